"use client";
import { type ReactNode, useEffect, useState } from "react";
import type { Explained } from "@/lib/messages";
import { Icon } from "./Icon";

/** Seconds left until `seconds` from when `key` last changed; 0 when there is nothing to wait for. */
export function useCountdown(seconds: number | null, key: unknown): number {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    if (seconds === null || seconds <= 0) {
      setLeft(0);
      return;
    }
    const until = Date.now() + seconds * 1000;
    setLeft(seconds);
    const timer = window.setInterval(() => {
      const remaining = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [seconds, key]);
  return left;
}

/**
 * One problem: what happened and what to do, with a retry button where a retry can help. The
 * sentence is in a live region that is always in the page, so that screen readers announce it
 * when it appears; the buttons (and the retry countdown) are outside it, so a ticking countdown
 * is not read out every second.
 */
export function Notice({
  id,
  problem,
  onRetry,
  children,
}: {
  id?: string;
  problem: Explained | null;
  onRetry?: () => void;
  /** More actions (a link to log in, "New chat"). */
  children?: ReactNode;
}) {
  const wait = useCountdown(problem?.retryAfter ?? null, problem);
  const retry = problem?.retry === true && onRetry !== undefined;
  return (
    <div id={id} className={problem ? "notice" : undefined} data-testid="notice">
      {problem && <Icon name="alert" className="icon notice__icon" />}
      <div className="notice__body">
        <p role="alert">{problem?.message}</p>
        {problem && (retry || children) && (
          <div className="notice__actions">
            {retry && (
              <button type="button" className="button" onClick={onRetry} disabled={wait > 0}>
                <Icon name="refresh" />
                {wait > 0 ? `Try again in ${wait} s` : "Try again"}
              </button>
            )}
            {children}
          </div>
        )}
      </div>
    </div>
  );
}
