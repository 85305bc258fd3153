import { TasksPage } from "@/components/TasksPage";
import { EARLY_TASKS_SCRIPT } from "@/lib/early-tasks";

/**
 * The task screen. Its inline script asks for the first page of tasks while the page's scripts
 * load, so the list is not drawn a round trip after React starts (lib/early-tasks.ts).
 */
export default function Page() {
  return (
    <>
      <script dangerouslySetInnerHTML={{ __html: EARLY_TASKS_SCRIPT }} />
      <TasksPage />
    </>
  );
}
