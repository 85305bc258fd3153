/**
 * Kubernetes resource quantities (`200m`, `256Mi`, `1.5`, `1e3`), as the API server accepts them
 * for requests and limits: a non-negative decimal with an optional binary (Ki..Ei), decimal
 * (m, k, M..E) or exponent suffix.
 */
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, number = "", suffix = ""] = match;
  const factor =
    suffix === ""
      ? 1
      : /^[eE][+-]?\d+$/.test(suffix)
        ? 10 ** Number(suffix.slice(1))
        : SUFFIX[suffix];
  return factor === undefined ? undefined : Number(number) * factor;
}
