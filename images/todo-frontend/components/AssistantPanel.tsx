"use client";
import { type FormEvent, useState } from "react";
import { ApiError, type ApiClient, type ChatTurn, type TaskChange } from "@/lib/api";

interface Message extends ChatTurn {
  changes?: TaskChange[];
}

const VERB: Record<TaskChange["action"], string> = {
  added: "Added",
  completed: "Completed",
  updated: "Updated",
  deleted: "Deleted",
};

/** Messages to the backend's assistant; what it changed is listed under its reply. */
export function AssistantPanel({
  client,
  onChanges,
}: {
  client: ApiClient;
  onChanges: (changes: TaskChange[]) => void;
}) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    if (text === "") return;
    const history = messages.slice(-10).map(({ role, content }) => ({ role, content }));
    setMessages((m) => [...m, { role: "user", content: text }]);
    setDraft("");
    setBusy(true);
    setError(null);
    try {
      const answer = await client.chat(text, history);
      setMessages((m) => [
        ...m,
        { role: "assistant", content: answer.reply, changes: answer.changes },
      ]);
      if (answer.changes.length > 0) onChanges(answer.changes);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The assistant could not answer.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="assistant-heading">
      <h2 id="assistant-heading">Assistant</h2>
      <ul className="messages" aria-live="polite">
        {messages.length === 0 && (
          <li className="muted">Ask me to add, complete, rename or delete tasks.</li>
        )}
        {messages.map((m, i) => (
          <li key={i} className={m.role === "user" ? "from-user" : undefined}>
            <span className="bubble">
              <span className="muted">{m.role === "user" ? "You: " : "Assistant: "}</span>
              {m.content}
            </span>
            {m.changes && m.changes.length > 0 && (
              <ul className="changes" aria-label="What the assistant changed">
                {m.changes.map((c, j) => (
                  <li key={j}>
                    {VERB[c.action]} “{c.task.title}”
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <p role="alert" className="error">
        {error}
      </p>
      <form className="row" onSubmit={send}>
        <label htmlFor="assistant-input" className="grow">
          <span className="muted">Message</span>
          <input
            id="assistant-input"
            type="text"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            maxLength={4000}
            placeholder="e.g. add “call the plumber”"
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Thinking…" : "Send"}
        </button>
      </form>
    </section>
  );
}
