/**
 * The pure, CPU-bound tasks the worker pool runs (see pool.ts). Inputs and outputs are plain data
 * (structured-clone safe); tasks read no clock, no config and no services: the caller passes the
 * request's time and everything else in.
 */
import { getContextKeys } from '../policy/index.js';
import { parseSamlMetadata } from '../federation/saml/metadata.js';
import { verifySamlResponse, verifySamlSignIn, type SamlVerification } from '../federation/saml/verify.js';
import { simulatePage, type SimulationJob } from '../iam/providers/simulation-core.js';

export const TASKS = {
  'saml.verify': (i: { b64: string; verification: SamlVerification }) => verifySamlResponse(i.b64, i.verification),
  /** The same verification for a SAML sign-in connector (src/federation/saml/connector.ts). */
  'saml.verifySignIn': (i: { b64: string; verification: SamlVerification }) => verifySamlSignIn(i.b64, i.verification),
  'saml.metadata': (i: { xml: string }) => parseSamlMetadata(i.xml),
  'policy.simulate': (i: SimulationJob) => simulatePage(i),
  'policy.contextKeys': (i: { policies: string[] }) => getContextKeys(i.policies),
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskOutput<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;
