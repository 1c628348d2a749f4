import { Errors } from '../../errors/index.js';
import { readName } from '../common.js';
import type { Input } from '../../awsquery/input.js';
import type { Q } from './shared.js';

export const MFA_DEVICES_PER_USER = 8;

export interface MfaRow {
  serial_number: string;
  account_id: string;
  device_name: string;
  path: string;
  seed_sealed: Buffer;
  user_id: string | null;
  enable_date: Date | null;
  last_counter: number | null;
  tags: { Key: string; Value: string }[];
  created_at: Date;
}

export const readSerial = (p: Input) =>
  p.string('SerialNumber', { required: true, min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/, patternText: '[\\w+=/:,.@-]+' })!;

export const readCode = (p: Input, field: string) =>
  p.string(field, { required: true, min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]+' })!;

/** EnableMFADevice / ResyncMFADevice input: a user's device and two consecutive codes. */
export const readDeviceCodes = (p: Input) => ({
  UserName: readName(p, 'UserName', 128),
  SerialNumber: readSerial(p),
  AuthenticationCode1: readCode(p, 'AuthenticationCode1'),
  AuthenticationCode2: readCode(p, 'AuthenticationCode2'),
});

export const noSuchDevice = (serial: string) => Errors.noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
export const invalidCode = () => Errors.invalidAuthenticationCode('Authentication code for device is not valid.');

export async function findDevice(q: Q, accountId: string, serial: string, lock = false): Promise<MfaRow> {
  const r = await q.query<MfaRow>(
    `SELECT * FROM mfa_devices WHERE lower(serial_number) = lower($1) AND account_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [serial, accountId],
  );
  const row = r.rows[0];
  if (!row) throw noSuchDevice(serial);
  return { ...row, last_counter: row.last_counter === null ? null : Number(row.last_counter) };
}
