"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiError } from "@/lib/api";
import { browserClient, saveSession } from "@/lib/session";

/** Sign-up and log-in: the same form, one extra field for sign-up. */
export function AuthForm({ mode }: { mode: "login" | "signup" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      const client = browserClient();
      const session = signup
        ? await client.signUp(email, password, String(form.get("name") ?? ""))
        : await client.logIn(email, password);
      saveSession(session);
      router.replace("/");
    } catch (caught) {
      setError(
        caught instanceof ApiError ? caught.message : "Something went wrong. Please try again.",
      );
      setBusy(false);
    }
  }

  return (
    <div className="auth card stack">
      <h1>{signup ? "Create your account" : "Log in"}</h1>
      <form onSubmit={submit} className="stack" aria-describedby={error ? "auth-error" : undefined}>
        {signup && (
          <div>
            <label htmlFor="name">Name</label>
            <input id="name" name="name" type="text" autoComplete="name" maxLength={100} />
          </div>
        )}
        <div>
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div>
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            minLength={signup ? 8 : 1}
            maxLength={128}
            required
          />
          {signup && <p className="muted">At least 8 characters.</p>}
        </div>
        <p id="auth-error" role="alert" className="error">
          {error}
        </p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Please wait…" : signup ? "Sign up" : "Log in"}
        </button>
      </form>
      <p>
        {signup ? (
          <>
            Have an account? <Link href="/login">Log in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </div>
  );
}
