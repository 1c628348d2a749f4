/**
 * Policy evaluation throughput: Tessera vs @cloud-copilot/iam-simulate vs @cedar-policy/cedar-wasm,
 * for policies of 1, 10, 100 and 1000 statements, in the same run. Every engine gets its policies
 * parsed once up front (iam-simulate: loadPolicy + authorize; Cedar: preparsePolicySet +
 * statefulIsAuthorized), then answers the same rotating set of requests. Prints decisions/second
 * and ratios, not verdicts.
 */
import { compilePolicy, evaluate, type CompiledPolicy } from '../src/policy/index.js';

const ACCOUNT = '111122223333';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/alice`;
const SERVICES = ['s3', 'ec2', 'iam', 'sqs', 'sns', 'dynamodb', 'lambda', 'kms', 'logs', 'sts'];

interface Stmt {
  effect: 'Allow' | 'Deny';
  action: string;
  resource: string;
  team?: string;
}

/** N statements over 10 services: exact actions, some `Get*` wildcards, some conditions, a few denies. */
function statements(n: number): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < n; i++) {
    const svc = SERVICES[i % SERVICES.length] as string;
    out.push({
      effect: i % 17 === 16 ? 'Deny' : 'Allow',
      action: i % 5 === 4 ? `${svc}:Get*` : `${svc}:Action${i}`,
      resource: `arn:aws:${svc}:us-east-1:${ACCOUNT}:res-${i}/*`,
      ...(i % 3 === 2 ? { team: i % 2 ? 'eng' : 'ops' } : {}),
    });
  }
  return out;
}

interface Req {
  action: string;
  resource: string;
  team: string;
}

function requests(n: number): Req[] {
  const out: Req[] = [];
  for (let k = 0; k < 64; k++) {
    const i = (k * 7919) % Math.max(n, 1);
    const svc = SERVICES[i % SERVICES.length] as string;
    const hit = k % 2 === 0;
    out.push({
      action: hit ? (i % 5 === 4 ? `${svc}:GetThing` : `${svc}:Action${i}`) : `${svc}:Other${k}`,
      resource: `arn:aws:${svc}:us-east-1:${ACCOUNT}:res-${i}/obj-${k}`,
      team: k % 3 === 0 ? 'ops' : 'eng',
    });
  }
  return out;
}

function iamPolicy(st: Stmt[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: st.map((s) => ({
      Effect: s.effect,
      Action: s.action,
      Resource: s.resource,
      ...(s.team ? { Condition: { StringEquals: { 'aws:PrincipalTag/team': s.team } } } : {}),
    })),
  });
}

const cedarString = (s: string): string => JSON.stringify(s);

function cedarPolicies(st: Stmt[]): string {
  return st
    .map((s) => {
      const when: string[] = [];
      const wildcard = s.action.includes('*');
      if (wildcard) when.push(`context.action like ${cedarString(s.action.toLowerCase())}`);
      when.push(`context.resource like ${cedarString(s.resource)}`);
      if (s.team) when.push(`context.team == ${cedarString(s.team)}`);
      const action = wildcard ? 'action' : `action == Action::${cedarString(s.action.toLowerCase())}`;
      return `${s.effect === 'Allow' ? 'permit' : 'forbid'}(principal, ${action}, resource) when { ${when.join(' && ')} };`;
    })
    .join('\n');
}

interface Engine {
  name: string;
  setup(st: Stmt[]): Promise<(r: Req) => unknown>;
}

const tessera: Engine = {
  name: 'tessera',
  setup: async (st) => {
    const policy: CompiledPolicy = compilePolicy(iamPolicy(st), { kind: 'identity', id: 'bench' });
    const principal = { arn: PRINCIPAL, accountId: ACCOUNT };
    return (r) =>
      evaluate({
        request: { principal, action: r.action, resource: r.resource, context: { 'aws:PrincipalTag/team': r.team } },
        identityPolicies: [policy],
      }).decision;
  },
};

const root = new URL('../node_modules/', import.meta.url);

const iamSimulate: Engine = {
  name: 'iam-simulate',
  setup: async (st) => {
    const sim = `@cloud-copilot/iam-simulate/dist/esm/`;
    const { loadPolicy } = (await import('@cloud-copilot/iam-policy')) as { loadPolicy: (p: unknown, m?: unknown) => unknown };
    const { authorize } = (await import(new URL(`${sim}core_engine/CoreSimulatorEngine.js`, root).href)) as { authorize: (r: unknown) => { result: string } };
    const { AwsRequestImpl } = (await import(new URL(`${sim}request/request.js`, root).href)) as { AwsRequestImpl: new (...a: unknown[]) => unknown };
    const { RequestContextImpl } = (await import(new URL(`${sim}requestContext.js`, root).href)) as { RequestContextImpl: new (v: unknown) => unknown };
    const { DiscoveryContextKeyConstraints } = (await import(new URL(`${sim}context_keys/discoveryContextKeyConstraints.js`, root).href)) as {
      DiscoveryContextKeyConstraints: new (v: unknown[]) => unknown;
    };
    const policy = loadPolicy(JSON.parse(iamPolicy(st)), { name: 'bench' });
    const params = { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) };
    return (r) => {
      const request = new AwsRequestImpl(PRINCIPAL, { resource: r.resource, accountId: ACCOUNT }, r.action, new RequestContextImpl({ 'aws:PrincipalTag/team': r.team }));
      return authorize({
        request,
        sessionPolicy: undefined,
        identityPolicies: [policy],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: undefined,
        permissionBoundaries: undefined,
        vpcEndpointPolicies: undefined,
        simulationParameters: params,
        serviceSettings: { s3: {} },
      }).result;
    };
  },
};

let cedarSets = 0;
const cedar: Engine = {
  name: 'cedar-wasm',
  setup: async (st) => {
    const wasm = (await import('@cedar-policy/cedar-wasm/nodejs')) as typeof import('@cedar-policy/cedar-wasm/nodejs');
    const id = `bench-${cedarSets++}`;
    const parsed = wasm.preparsePolicySet(id, { staticPolicies: cedarPolicies(st) });
    if (parsed.type !== 'success') throw new Error(`cedar parse: ${JSON.stringify(parsed.errors[0])}`);
    const principal = { type: 'User', id: PRINCIPAL };
    return (r) => {
      const answer = wasm.statefulIsAuthorized({
        principal,
        action: { type: 'Action', id: r.action.toLowerCase() },
        resource: { type: 'Resource', id: r.resource },
        context: { action: r.action.toLowerCase(), resource: r.resource, team: r.team },
        preparsedPolicySetId: id,
        entities: [],
      });
      return answer.type === 'success' ? answer.response.decision : 'error';
    };
  },
};

function measure(fn: (r: Req) => unknown, reqs: Req[], budgetMs: number): number {
  for (let i = 0; i < 200; i++) fn(reqs[i % reqs.length] as Req); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < 64; i++) fn(reqs[(n + i) % reqs.length] as Req);
    n += 64;
    t = performance.now();
  }
  return (n / (t - t0)) * 1000;
}

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

export async function run(): Promise<void> {
  const budget = Number(process.env.BENCH_MS ?? 1000);
  console.log(`decisions/second (${budget} ms per cell), policies parsed once; ratios are Tessera ÷ other`);
  console.log(['statements', 'tessera', 'iam-simulate', 'cedar-wasm', 'vs iam-simulate', 'vs cedar'].map((s) => s.padStart(14)).join(''));
  for (const n of [1, 10, 100, 1000]) {
    const st = statements(n);
    const reqs = requests(n);
    const rates: number[] = [];
    for (const engine of [tessera, iamSimulate, cedar]) {
      try {
        rates.push(measure(await engine.setup(st), reqs, budget));
      } catch (e) {
        console.log(`${engine.name} failed at ${n}: ${(e as Error).message}`);
        rates.push(Number.NaN);
      }
    }
    const [t = 0, i = 0, c = 0] = rates;
    console.log([String(n), fmt(t), fmt(i), fmt(c), `${(t / i).toFixed(1)}×`, `${(t / c).toFixed(1)}×`].map((s) => s.padStart(14)).join(''));
  }
}
