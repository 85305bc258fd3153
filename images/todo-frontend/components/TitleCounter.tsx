"use client";
import { useEffect, useState } from "react";
import { counter, TITLE_MAX } from "@/lib/limits";

/**
 * Characters left, shown from 80 % of the limit on and in the danger colour past it. Screen
 * readers hear it once typing pauses (a polite live region updated after a short delay), not on
 * every key, as GOV.UK's character count does.
 */
export function TitleCounter({
  id,
  text,
  max = TITLE_MAX,
}: {
  id: string;
  text: string;
  max?: number;
}) {
  const shown = counter(text, max);
  const [spoken, setSpoken] = useState("");
  useEffect(() => {
    const timer = window.setTimeout(() => setSpoken(shown.visible ? shown.text : ""), 700);
    return () => window.clearTimeout(timer);
  }, [shown.visible, shown.text]);
  return (
    <>
      <p
        id={id}
        className={shown.over ? "counter counter--over" : "counter"}
        hidden={!shown.visible}
        data-testid="counter"
      >
        {shown.text}
      </p>
      <span className="sr-only" aria-live="polite">
        {spoken}
      </span>
    </>
  );
}
