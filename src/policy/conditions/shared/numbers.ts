const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Parse a decimal number (integer or float); NaN when the text is not one. */
export const parseNumber = (s: string): number => (NUMBER.test(s) ? Number(s) : Number.NaN);

export const compileNumber = (s: string): number | null => {
  const n = parseNumber(s);
  return Number.isNaN(n) ? null : n;
};
