"use client";
import { type FormEvent, type RefObject, useEffect, useRef, useState } from "react";
import type { ApiClient, ChatTurn, TaskChange } from "@/lib/api";
import { check, MESSAGE_MAX, refusal } from "@/lib/limits";
import { type Explained, explain } from "@/lib/messages";
import { useReadyForm } from "@/lib/ready-form";
import { CountedInput } from "./CountedInput";
import { Icon, IconButton } from "./Icon";
import { Notice } from "./Notice";
import { TitleCounter } from "./TitleCounter";

interface Message extends ChatTurn {
  changes?: TaskChange[];
}

const VERB: Record<TaskChange["action"], string> = {
  added: "Added",
  completed: "Completed",
  updated: "Updated",
  deleted: "Deleted",
};

const SUGGESTIONS = ["add Call the plumber", "add Book a dentist appointment"];

/** The turns sent as context with each message: the last few are enough to follow a thread. */
const HISTORY = 10;

/**
 * The assistant: a conversation that changes tasks. What it changed is listed under its reply and
 * applied to the list at once. A failed message goes back into the field, with a retry.
 */
export function AssistantPanel({
  client,
  onChanges,
  onSessionEnded,
  inputRef,
  active,
}: {
  client: ApiClient;
  onChanges: (changes: TaskChange[]) => void;
  onSessionEnded: () => void;
  inputRef: RefObject<HTMLInputElement | null>;
  /** Shown on a phone (the Assistant tab is selected); on a wide screen it always is. */
  active: boolean;
}) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const readyForm = useReadyForm();
  const [problem, setProblem] = useState<Explained | null>(null);
  const [fieldProblem, setFieldProblem] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [messages, busy]);

  async function send(text: string) {
    const checked = check(text, MESSAGE_MAX);
    if (!checked.ok) {
      setFieldProblem(
        refusal(checked, MESSAGE_MAX, {
          empty: "Type a message first.",
          noun: "Messages",
          to: "send it",
        }),
      );
      inputRef.current?.focus();
      return;
    }
    const history = messages.slice(-HISTORY).map(({ role, content }) => ({ role, content }));
    setMessages((m) => [...m, { role: "user", content: checked.value }]);
    setDraft("");
    setBusy(true);
    setProblem(null);
    setFailed(null);
    try {
      const answer = await client.chat(checked.value, history);
      setMessages((m) => [
        ...m,
        { role: "assistant", content: answer.reply, changes: answer.changes },
      ]);
      if (answer.changes.length > 0) onChanges(answer.changes);
    } catch (caught) {
      const explained = explain(caught, "chat");
      if (explained.signIn) return onSessionEnded();
      if (explained.changes.length > 0) onChanges(explained.changes);
      // The message was not answered: take it out of the conversation and give it back.
      setMessages((m) => m.slice(0, -1));
      setDraft((current) => (current === "" ? checked.value : current));
      setFailed(checked.value);
      setProblem(explained);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy) void send(draft);
  }

  function newChat() {
    setMessages([]);
    setProblem(null);
    setFailed(null);
    inputRef.current?.focus();
  }

  return (
    <section
      id="assistant-panel"
      className="assistant"
      aria-labelledby="assistant-heading"
      data-active={active}
    >
      <div className="assistant__head">
        <h2 id="assistant-heading" className="assistant__title">
          <Icon name="sparkles" />
          Assistant
        </h2>
        {messages.length > 0 && (
          <button type="button" className="button button--quiet" onClick={newChat}>
            New chat
          </button>
        )}
      </div>
      <div ref={log} className="messages" role="log" aria-label="Conversation">
        {messages.length === 0 && (
          <div className="intro">
            <p>Ask me to add, complete, rename or delete tasks, in your own words.</p>
            <ul className="suggestions" aria-label="Try">
              {SUGGESTIONS.map((s) => (
                <li key={s}>
                  <button type="button" className="chip" onClick={() => void send(s)}>
                    {s}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {messages.map((m, i) => (
          <div key={i} className={`message message--${m.role}`}>
            <p className="bubble">
              <span className="sr-only">{m.role === "user" ? "You: " : "Assistant: "}</span>
              {m.content}
            </p>
            {m.changes && m.changes.length > 0 && (
              <ul className="changes" aria-label="What the assistant changed">
                {m.changes.map((c, j) => (
                  <li key={j}>
                    <Icon name="check" />
                    {VERB[c.action]} “{c.task.title}”
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
        {busy && (
          <p className="message typing" aria-hidden="true">
            Thinking…
          </p>
        )}
      </div>
      <form ref={readyForm} className="composer" method="post" onSubmit={submit} noValidate>
        <Notice problem={problem} onRetry={failed === null ? undefined : () => void send(failed)}>
          {problem?.newChat && (
            <button type="button" className="button" onClick={newChat}>
              New chat
            </button>
          )}
        </Notice>
        {problem && problem.changes.length > 0 && (
          <ul className="changes" aria-label="Saved before it stopped">
            {problem.changes.map((c, j) => (
              <li key={j}>
                <Icon name="check" />
                {VERB[c.action]} “{c.task.title}”
              </li>
            ))}
          </ul>
        )}
        <div className="add__row">
          <label htmlFor="assistant-input" className="sr-only">
            Message the assistant
          </label>
          <CountedInput
            ref={inputRef}
            id="assistant-input"
            name="message"
            value={draft}
            onValueChange={(value) => {
              setDraft(value);
              setFieldProblem(null);
            }}
            max={MESSAGE_MAX}
            problem={fieldProblem}
            errorId="assistant-error"
            counterId="assistant-counter"
            placeholder="Ask the assistant"
            enterKeyHint="send"
            aria-keyshortcuts="/"
          />
          <IconButton
            type="submit"
            icon="send"
            variant="primary"
            label="Send"
            title="Send (Enter)"
            disabled={busy}
          />
        </div>
        <TitleCounter id="assistant-counter" text={draft} max={MESSAGE_MAX} />
        <p id="assistant-error" className="field-error" role="alert">
          {fieldProblem}
        </p>
      </form>
    </section>
  );
}
