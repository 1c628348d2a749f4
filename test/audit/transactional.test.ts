import { describe, expect, it } from 'vitest';
import { CreateGroupCommand, CreateUserCommand, GetGroupCommand, IAMClient } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';

/** An IAM change and its audit event are one transaction: both commit, or neither. */
let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = new IAMClient({ endpoint: t.url, region: 'us-east-1', credentials: t.root, maxAttempts: 1 });
});

const eventsFor = async (requestId: string | undefined) =>
  (await t.database.db.query('SELECT outcome, error_code, action, detail FROM audit_events WHERE request_id = $1', [requestId])).rows;

describe('audit events of IAM changes', () => {
  it('a successful change has exactly one success event, written with it', async () => {
    const out = await iam.send(new CreateUserCommand({ UserName: 'audited', Path: '/team/' }));
    const rows = await eventsFor(out.$metadata.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'success', action: 'CreateUser', error_code: null });
  });

  it('a refused change leaves only a failure event', async () => {
    const err = await iam.send(new CreateUserCommand({ UserName: 'audited' })).catch((e) => e);
    expect(err.name).toBe('EntityAlreadyExistsException');
    const rows = await eventsFor(err.$metadata.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'failure', error_code: 'EntityAlreadyExists' });
  });

  it('when the audit event cannot be written, the change is not made either', async () => {
    await t.database.db.query(`ALTER TABLE audit_events ADD CONSTRAINT refuse_create_group CHECK (action <> 'CreateGroup')`);
    try {
      const err = await iam.send(new CreateGroupCommand({ GroupName: 'unaudited' })).catch((e) => e);
      expect(err.$metadata.httpStatusCode).toBeGreaterThanOrEqual(500);
      const missing = await iam.send(new GetGroupCommand({ GroupName: 'unaudited' })).catch((e) => e);
      expect(missing.name).toBe('NoSuchEntityException');
    } finally {
      await t.database.db.query('ALTER TABLE audit_events DROP CONSTRAINT refuse_create_group');
    }
  });
});
