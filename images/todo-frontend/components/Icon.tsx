import type { ComponentProps } from "react";

/**
 * Line icons (24-unit grid, 2-unit stroke, in the current text colour), drawn here rather than
 * loaded: no icon font, no request. Always decorative: the control around one carries the name.
 */
const PATHS = {
  check: "M5 12.5l4.5 4.5L19 7.5",
  plus: "M12 5v14M5 12h14",
  pencil: "M4 20h4L19 9a2.8 2.8 0 00-4-4L4 16v4zM13.5 6.5l4 4",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 002 2h6a2 2 0 002-2l1-12M9 7V4h6v3",
  x: "M6 6l12 12M18 6L6 18",
  keyboard:
    "M3 7a2 2 0 012-2h14a2 2 0 012 2v10a2 2 0 01-2 2H5a2 2 0 01-2-2zM7 9h.01M11 9h.01M15 9h.01M17 13h.01M7 13h.01M8 16h8",
  logout: "M15 4h3a2 2 0 012 2v12a2 2 0 01-2 2h-3M10 17l-5-5 5-5M5 12h11",
  sparkles:
    "M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8zM19 15l.9 2.1L22 18l-2.1.9L19 21l-.9-2.1L16 18l2.1-.9z",
  list: "M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01",
  alert: "M12 8v5M12 16.5h.01M12 3a9 9 0 100 18 9 9 0 000-18z",
  info: "M12 11v5M12 7.5h.01M12 3a9 9 0 100 18 9 9 0 000-18z",
  send: "M5 12l15-7-5 15-3-6.5zM12 13.5L20 5",
  refresh: "M20 11a8 8 0 10-2.3 5.7M20 5v6h-6",
  undo: "M9 14L4 9l5-5M4 9h10.5a5.5 5.5 0 010 11H11",
  chat: "M4 5h16v11H9l-5 4z",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className = "icon" }: { name: IconName; className?: string }) {
  return (
    <svg
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/**
 * A button that shows only an icon: `label` is its accessible name (the icon is decorative),
 * `title` the tooltip that usually adds its shortcut. `type` is "button" unless said otherwise.
 */
export function IconButton({
  icon,
  label,
  variant,
  className,
  type = "button",
  ...rest
}: Omit<ComponentProps<"button">, "children" | "aria-label"> & {
  icon: IconName;
  label: string;
  variant?: "primary" | "danger";
}) {
  const classes = ["icon-button", variant && `icon-button--${variant}`, className];
  return (
    <button type={type} className={classes.filter(Boolean).join(" ")} aria-label={label} {...rest}>
      <Icon name={icon} />
    </button>
  );
}

/** The product's mark: a rounded tile with a tick, in the accent colour of the theme. */
export function Mark({ className = "brand__mark" }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="9" fill="var(--color-accent)" />
      <path
        d="M9.5 16.5l4.5 4.5 8.5-9.5"
        fill="none"
        stroke="var(--color-on-accent)"
        strokeWidth="3.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function Brand({ className = "brand" }: { className?: string }) {
  return (
    <span className={className}>
      <Mark />
      Todo
    </span>
  );
}
