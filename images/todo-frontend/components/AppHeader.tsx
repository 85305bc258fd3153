"use client";
import Link from "next/link";
import { Icon, IconButton, Mark } from "./Icon";

/**
 * The product's name and mark on the left; on the right the shortcuts button (wide screens, where
 * a keyboard is likely) and the account button, whose menu says who is signed in and logs out.
 * The menu is a native popover: Escape and a click elsewhere close it, focus returns to the button.
 */
export function AppHeader({
  user,
  onShortcuts,
  onLogOut,
}: {
  user: { name: string; email: string } | null;
  onShortcuts: () => void;
  onLogOut: () => void;
}) {
  const shown = user ? user.name || user.email : "";
  return (
    <header className="header">
      <div className="header__inner">
        <Link href="/" className="brand" data-testid="brand" prefetch={false}>
          <Mark />
          Todo
        </Link>
        <IconButton
          icon="keyboard"
          className="only-wide"
          label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          aria-keyshortcuts="?"
          data-testid="shortcuts-button"
          onClick={onShortcuts}
        />
        {user && (
          <>
            <button
              type="button"
              className="account"
              popoverTarget="account-menu"
              data-testid="account-button"
            >
              <span className="avatar" aria-hidden="true">
                {shown.slice(0, 1)}
              </span>
              <span className="account__name">{shown}</span>
              <span className="sr-only">, account</span>
            </button>
            <div id="account-menu" className="menu" popover="auto">
              <p className="menu__who">
                <span className="hint">Signed in as</span>
                <strong>{user.name || user.email}</strong>
                {user.name && <span className="hint">{user.email}</span>}
              </p>
              <button type="button" className="menu__item" onClick={onLogOut}>
                <Icon name="logout" />
                Log out
              </button>
            </div>
          </>
        )}
      </div>
    </header>
  );
}
