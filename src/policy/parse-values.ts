/** Small readers for JSON nodes shared by the document and statement parsers. */
import type { Locator } from './errors.js';
import { SYNTAX } from './errors.js';
import type { JsonNode } from './json.js';

/** A string or a non-empty-or-empty array of strings. Returns the list. */
export function stringList(node: JsonNode, loc: Locator, path: string): string[] {
  if (node.type === 'string') return [node.value];
  if (node.type === 'array') {
    return node.items.map((item, i) => {
      if (item.type !== 'string') throw loc.error(`${SYNTAX} Expected a string`, `${path}[${i}]`, item.start);
      return item.value;
    });
  }
  throw loc.error(`${SYNTAX} Expected a string or an array of strings`, path, node.start);
}

/** A condition value: string, number or boolean, or an array of them; numbers keep their source text. */
export function scalarList(node: JsonNode, loc: Locator, path: string): string[] {
  const one = (n: JsonNode, p: string): string => {
    if (n.type === 'string') return n.value;
    if (n.type === 'number') return n.raw;
    if (n.type === 'boolean') return String(n.value);
    throw loc.error(`${SYNTAX} Condition values must be strings, numbers or booleans`, p, n.start);
  };
  if (node.type === 'array') return node.items.map((item, i) => one(item, `${path}[${i}]`));
  return [one(node, path)];
}
