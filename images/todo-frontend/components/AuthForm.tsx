"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import {
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  useEffect,
  useRef,
  useState,
} from "react";
import { type Explained, explain } from "@/lib/messages";
import { length, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "@/lib/limits";
import { useReadyForm } from "@/lib/ready-form";
import { browserClient, saveSession, takeNotice } from "@/lib/session";
import { Brand, Icon } from "./Icon";
import { Notice } from "./Notice";

type Field = "name" | "email" | "password";
type Problems = Partial<Record<Field, string>>;

/** What is wrong with the form before anything is sent; empty when it can be sent. */
function validate(form: HTMLFormElement, signup: boolean): Problems {
  const problems: Problems = {};
  const value = (name: Field) => String(new FormData(form).get(name) ?? "");
  const email = form.elements.namedItem("email") as HTMLInputElement;
  if (value("email").trim() === "") problems.email = "Enter your email address.";
  else if (!email.validity.valid) problems.email = "Enter an email address like name@example.com.";
  const password = value("password");
  if (password === "") problems.password = "Enter your password.";
  else if (signup && password.length < PASSWORD_MIN)
    problems.password = `Use at least ${PASSWORD_MIN} characters.`;
  else if (password.length > PASSWORD_MAX)
    problems.password = `Use at most ${PASSWORD_MAX} characters.`;
  if (signup && length(value("name")) > NAME_MAX)
    problems.name = `Names can be up to ${NAME_MAX} characters.`;
  return problems;
}

/**
 * A labelled input with its hint and its error, tied together for assistive technology: the
 * error and the hint describe the input, `aria-invalid` marks it while the error shows.
 */
function FormField({
  name,
  label,
  error,
  hint,
  ...input
}: {
  name: Field;
  label: ReactNode;
  error: string | undefined;
  hint?: string | undefined;
} & InputHTMLAttributes<HTMLInputElement>) {
  const describedBy =
    [error ? `${name}-error` : null, hint ? `${name}-hint` : null].filter(Boolean).join(" ") ||
    undefined;
  return (
    <div className="field">
      <label className="label" htmlFor={name}>
        {label}
      </label>
      <input
        className="input"
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint && (
        <p id={`${name}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${name}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Sign-up and log-in: the same form, one extra field for sign-up. */
export function AuthForm({ mode }: { mode: "login" | "signup" }) {
  const router = useRouter();
  const signup = mode === "signup";
  const [problem, setProblem] = useState<Explained | null>(null);
  const [fields, setFields] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const readyForm = useReadyForm(formRef);

  useEffect(() => setNotice(takeNotice()), []);

  async function submit(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    const form = formRef.current;
    if (form === null || busy) return;
    const invalid = validate(form, signup);
    setFields(invalid);
    const first = (["name", "email", "password"] as Field[]).find((f) => invalid[f]);
    if (first !== undefined) {
      (form.elements.namedItem(first) as HTMLInputElement).focus();
      return;
    }
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    setBusy(true);
    setProblem(null);
    try {
      const client = browserClient();
      const session = signup
        ? await client.signUp(email, password, String(data.get("name") ?? "").trim())
        : await client.logIn(email, password);
      saveSession(session);
      router.replace("/");
    } catch (caught) {
      setProblem(explain(caught, mode));
      setBusy(false);
    }
  }

  return (
    <main id="main" className="auth">
      <div className="auth__card">
        <Brand className="brand auth__brand" />
        <div className="auth__head">
          <h1>{signup ? "Create your account" : "Welcome back"}</h1>
          <p>
            {signup
              ? "Your tasks, and an assistant that keeps them in order."
              : "Log in to see your tasks."}
          </p>
        </div>
        {notice && (
          <div className="notice notice--info" role="status">
            <Icon name="info" className="icon notice__icon" />
            <p className="notice__body">{notice}</p>
          </div>
        )}
        <form ref={readyForm} method="post" onSubmit={submit} noValidate>
          {signup && (
            <FormField
              name="name"
              label={
                <>
                  Name <span className="hint">(optional)</span>
                </>
              }
              error={fields.name}
              type="text"
              autoComplete="name"
            />
          )}
          <FormField
            name="email"
            label="Email"
            error={fields.email}
            type="email"
            autoComplete="email"
            inputMode="email"
            spellCheck={false}
            required
          />
          <FormField
            name="password"
            label="Password"
            error={fields.password}
            hint={signup ? `At least ${PASSWORD_MIN} characters.` : undefined}
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            required
          />
          <Notice id="auth-error" problem={problem} onRetry={() => void submit()}>
            {problem?.logInInstead && (
              <Link className="button" href="/login" prefetch={false}>
                Log in instead
              </Link>
            )}
          </Notice>
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? "Please wait…" : signup ? "Create account" : "Log in"}
          </button>
        </form>
        <p className="auth__switch">
          {signup ? (
            <>
              Already have an account?{" "}
              <Link href="/login" prefetch={false}>
                Log in
              </Link>
            </>
          ) : (
            <>
              New to Todo?{" "}
              <Link href="/signup" prefetch={false}>
                Create an account
              </Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
