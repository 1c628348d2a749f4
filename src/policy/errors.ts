/**
 * Building MalformedPolicyDocument errors that name the problem and where it is. The leading
 * sentence is IAM's own wording where it is known ("Syntax errors in policy.", "Policy statement
 * must contain actions.", …); the location follows in parentheses.
 */
import { Errors, type AwsError } from '../errors/index.js';
import type { LineIndex } from './json.js';

export class Locator {
  constructor(private readonly lines: LineIndex) {}

  error(message: string, path: string, offset: number | undefined): AwsError {
    if (offset === undefined) return Errors.malformedPolicyDocument(path ? `${message} (${path})` : message);
    const { line, column } = this.lines.position(offset);
    const where = path ? `${path}, line ${line}, column ${column}` : `line ${line}, column ${column}`;
    return Errors.malformedPolicyDocument(`${message} (${where})`);
  }
}

export const SYNTAX = 'Syntax errors in policy.';
