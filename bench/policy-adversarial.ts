/**
 * Hostile policy inputs, timed (test/policy/adversarial.test.ts checks their outcomes, not their
 * speed): deep nesting, a ~128 KB policy, backtracking-prone wildcard patterns against 128 KB
 * values. Prints the median and worst of several runs per case; `npm run bench -- policy-adversarial`.
 */
import { compilePolicy, evaluate, parsePolicy } from '../src/policy/index.js';

const principal = { arn: 'arn:aws:iam::111122223333:user/u' };
const evil = `*${'a*'.repeat(40)}b`;
const long = 'a'.repeat(128 * 1024);
const pol = (statement: object) => compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statement }), { kind: 'identity' });

function bigPolicy(): string {
  const statements = [];
  let size = 64;
  for (let i = 0; ; i++) {
    const s = { Sid: `S${i}`, Effect: i % 7 === 0 ? 'Deny' : 'Allow', Action: [`svc${i % 50}:Get*`, `svc${i % 50}:Put${i}`], Resource: `arn:aws:s3:::bucket-${i}/*` };
    size += JSON.stringify(s).length + 1;
    if (size > 131_072) break;
    statements.push(s);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function time(name: string, f: () => void, runs = 9): void {
  const ms: number[] = [];
  // Compilation is memoised by text: for "compile", max is the first (real) run.
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(48)} median ${ms[runs >> 1]!.toFixed(2).padStart(8)} ms   max ${ms[runs - 1]!.toFixed(2).padStart(8)} ms`);
}

export async function run(): Promise<void> {
  for (const open of ['[', '{"a":']) {
    time(`nesting ${open} x 200000 (refused)`, () => {
      try {
        parsePolicy(open.repeat(200_000), { kind: 'identity' });
      } catch {
        // MalformedPolicyDocument
      }
    });
  }
  const big = bigPolicy();
  time(`compile ${Math.round(big.length / 1024)} KB policy`, () => void compilePolicy(big, { kind: 'identity' }));
  const compiled = compilePolicy(big, { kind: 'identity' });
  time('evaluate against it', () => void evaluate({ request: { principal, action: 'svc3:GetThing', resource: 'arn:aws:s3:::bucket-3/x' }, identityPolicies: [compiled] }));
  const cases: [string, ReturnType<typeof pol>, Parameters<typeof evaluate>[0]['request']][] = [
    ['Resource *a*a*…b vs 128 KB ARN', pol({ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${evil}` }), { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${long}` }],
    ['StringLike *a*a*…b vs 128 KB value', pol({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 's3:prefix': [evil, `${evil}?`] } } }), { principal, action: 's3:ListBucket', resource: '*', context: { 's3:prefix': long } }],
    ['StringLike *?a?a…*b vs 128 KB value', pol({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 's3:prefix': `*${'?a'.repeat(50)}*b` } } }), { principal, action: 's3:ListBucket', resource: '*', context: { 's3:prefix': long } }],
    ['ArnLike *a*a*…b vs 128 KB ARN', pol({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${evil}` } } }), { principal, action: 's3:GetObject', resource: '*', context: { 'aws:SourceArn': `arn:aws:s3:::${long}` } }],
    ['Resource *${var}*${var}*b vs 128 KB ARN', pol({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*${aws:username}*${aws:username}*b' }), { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${long}`, context: { 'aws:username': 'a'.repeat(64) } }],
  ];
  for (const [name, p, request] of cases) time(name, () => void evaluate({ request, identityPolicies: [p] }));
}
