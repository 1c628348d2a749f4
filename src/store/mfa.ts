import type { Sql } from './db.js';
import type { KeysetQuery, Tag } from './types.js';
import { USER_REF_COLUMNS, toUserRef, type UserRef, type UserRefRow } from './user-refs.js';

/** A virtual MFA device; assigned (enabled) when `userId` is set. */
export interface MfaDevice {
  serialNumber: string;
  accountId: string;
  name: string;
  path: string;
  /** The TOTP seed, sealed to the serial number (keys/envelope.ts). */
  seedSealed: Buffer;
  userId?: string;
  enabledAt?: Date;
  /** The last TOTP step accepted (codes at or before it are spent). */
  lastCounter?: number;
  tags: Tag[];
  createdAt: Date;
}

export type NewMfaDevice = Omit<MfaDevice, 'userId' | 'enabledAt' | 'lastCounter'>;

/** The key devices are listed by (ListMFADevices, ListVirtualMFADevices): the serial number. */
export const mfaSortKey = (d: Pick<MfaDevice, 'serialNumber'>) => d.serialNumber;

/** Storage of virtual MFA devices, their enablement and TOTP replay counters. */
export interface MfaRepository {
  /** The account's device `serialNumber` (case-insensitively), or null; `lock` takes FOR UPDATE. */
  get(accountId: string, serialNumber: string, opts?: { lock?: boolean }): Promise<MfaDevice | null>;
  /** Inserts an unassigned device; 'exists' when that serial number (case-insensitively) exists. */
  insert(device: NewMfaDevice): Promise<MfaDevice | 'exists'>;
  /** Devices assigned to the user. */
  countForUser(userId: string): Promise<number>;
  /** Assigns the device to the user from `at`, with the step its enabling codes spent. */
  enable(serialNumber: string, userId: string, at: Date, counter: number): Promise<void>;
  /** Sets the last accepted step (ResyncMFADevice). */
  setCounter(serialNumber: string, counter: number): Promise<void>;
  /** Unassigns the device. */
  deactivate(serialNumber: string): Promise<void>;
  delete(serialNumber: string): Promise<void>;
  /** The device `serialNumber` (exactly) of the account, enabled for `userId`, or null (the STS check). */
  enabledFor(accountId: string, userId: string, serialNumber: string): Promise<MfaDevice | null>;
  /** Advances the last accepted step to `counter` atomically; false when it was already at or past it. */
  consumeCounter(serialNumber: string, counter: number): Promise<boolean>;
  /** The user's devices, in serial-number order, after `q.after`. */
  pageForUser(userId: string, q: KeysetQuery): Promise<MfaDevice[]>;
  /** The account's devices (with their users), filtered by assignment, in serial-number order, after `q.after`. */
  page(accountId: string, assignment: 'Assigned' | 'Unassigned' | 'Any', q: KeysetQuery): Promise<(MfaDevice & { user?: UserRef })[]>;
}

interface DeviceRow {
  serial_number: string;
  account_id: string;
  device_name: string;
  path: string;
  seed_sealed: Buffer;
  user_id: string | null;
  enable_date: Date | null;
  last_counter: number | string | null;
  tags: Tag[];
  created_at: Date;
}

const COLUMNS = 'serial_number, account_id, device_name, path, seed_sealed, user_id, enable_date, last_counter, tags, created_at';
const D_COLUMNS = COLUMNS.split(', ').map((c) => `d.${c}`).join(', ');
const U_COLUMNS = USER_REF_COLUMNS.split(', ').map((c) => `u.${c} AS u_${c}`).join(', ');

function toDevice(r: DeviceRow): MfaDevice {
  const d: MfaDevice = { serialNumber: r.serial_number, accountId: r.account_id, name: r.device_name, path: r.path, seedSealed: r.seed_sealed, tags: r.tags, createdAt: r.created_at };
  if (r.user_id !== null) d.userId = r.user_id;
  if (r.enable_date !== null) d.enabledAt = r.enable_date;
  if (r.last_counter !== null) d.lastCounter = Number(r.last_counter);
  return d;
}

type PrefixedUserRow = { [K in keyof UserRefRow as `u_${K}`]: UserRefRow[K] | null };

export class PgMfaRepository implements MfaRepository {
  constructor(protected readonly q: Sql) {}

  async get(accountId: string, serialNumber: string, opts: { lock?: boolean } = {}): Promise<MfaDevice | null> {
    const r = await this.q.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM mfa_devices WHERE lower(serial_number) = lower($1) AND account_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
      [serialNumber, accountId],
    );
    return r.rows[0] ? toDevice(r.rows[0]) : null;
  }

  async insert(d: NewMfaDevice): Promise<MfaDevice | 'exists'> {
    // ON CONFLICT, not a caught violation: a transaction the insert runs in stays usable.
    const r = await this.q.query<DeviceRow>(
      `INSERT INTO mfa_devices (serial_number, account_id, device_name, path, seed_sealed, tags, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [d.serialNumber, d.accountId, d.name, d.path, d.seedSealed, JSON.stringify(d.tags), d.createdAt],
    );
    return r.rows[0] ? toDevice(r.rows[0]) : 'exists';
  }

  async countForUser(userId: string): Promise<number> {
    const r = await this.q.query<{ n: number }>('SELECT count(*)::int AS n FROM mfa_devices WHERE user_id = $1', [userId]);
    return r.rows[0]!.n;
  }

  async enable(serialNumber: string, userId: string, at: Date, counter: number): Promise<void> {
    await this.q.query('UPDATE mfa_devices SET user_id = $2, enable_date = $3, last_counter = $4 WHERE serial_number = $1', [serialNumber, userId, at, counter]);
  }

  async setCounter(serialNumber: string, counter: number): Promise<void> {
    await this.q.query('UPDATE mfa_devices SET last_counter = $2 WHERE serial_number = $1', [serialNumber, counter]);
  }

  async deactivate(serialNumber: string): Promise<void> {
    await this.q.query('UPDATE mfa_devices SET user_id = NULL, enable_date = NULL WHERE serial_number = $1', [serialNumber]);
  }

  async delete(serialNumber: string): Promise<void> {
    await this.q.query('DELETE FROM mfa_devices WHERE serial_number = $1', [serialNumber]);
  }

  async enabledFor(accountId: string, userId: string, serialNumber: string): Promise<MfaDevice | null> {
    const r = await this.q.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM mfa_devices WHERE serial_number = $1 AND account_id = $2 AND user_id = $3 AND enable_date IS NOT NULL`,
      [serialNumber, accountId, userId],
    );
    return r.rows[0] ? toDevice(r.rows[0]) : null;
  }

  async consumeCounter(serialNumber: string, counter: number): Promise<boolean> {
    const r = await this.q.query(
      `UPDATE mfa_devices SET last_counter = $2
        WHERE serial_number = $1 AND (last_counter IS NULL OR last_counter < $2)`,
      [serialNumber, counter],
    );
    return r.rowCount === 1;
  }

  async pageForUser(userId: string, q: KeysetQuery): Promise<MfaDevice[]> {
    const r = await this.q.query<DeviceRow>(
      `SELECT ${COLUMNS} FROM mfa_devices WHERE user_id = $1 AND serial_number > $2 ORDER BY serial_number LIMIT $3`,
      [userId, q.after ?? '', q.limit],
    );
    return r.rows.map(toDevice);
  }

  async page(accountId: string, assignment: 'Assigned' | 'Unassigned' | 'Any', q: KeysetQuery): Promise<(MfaDevice & { user?: UserRef })[]> {
    const r = await this.q.query<DeviceRow & PrefixedUserRow>(
      `SELECT ${D_COLUMNS}, ${U_COLUMNS}
         FROM mfa_devices d LEFT JOIN users u ON u.user_id = d.user_id
        WHERE d.account_id = $1 AND ($2 = 'Any' OR ($2 = 'Assigned') = (d.user_id IS NOT NULL)) AND d.serial_number > $3
        ORDER BY d.serial_number LIMIT $4`,
      [accountId, assignment, q.after ?? '', q.limit],
    );
    return r.rows.map((row) => {
      const d: MfaDevice & { user?: UserRef } = toDevice(row);
      if (row.u_user_id !== null) {
        d.user = toUserRef({
          user_id: row.u_user_id,
          account_id: row.u_account_id!,
          user_name: row.u_user_name!,
          path: row.u_path!,
          is_root: row.u_is_root!,
          created_at: row.u_created_at!,
          password_last_used: row.u_password_last_used,
        });
      }
      return d;
    });
  }
}
