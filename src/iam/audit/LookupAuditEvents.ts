import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { arnFor, decodeMarker, encodeMarker } from '../common.js';
import type { AuditCursor, StoredAuditEvent } from '../../store/audit.js';
import type { AuditEvent as AuditEventShape } from '../../protocols/generated/iam.js';

/** The one resource of the audit log: arn:PARTITION:iam::ACCOUNT:audit-log. */
export const auditLogArn = (ctx: Parameters<typeof arnFor>[0]) => arnFor(ctx, 'audit-log');

const DEFAULT_ITEMS = 100;
/** A cursor as the Marker carries it: `<event_time to the microsecond>|<id>`. */
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([1-9]\d{0,18})$/;

function cursorOf(marker: string | undefined): AuditCursor | undefined {
  const raw = decodeMarker(marker);
  if (raw === undefined) return undefined;
  const m = CURSOR.exec(raw);
  if (!m || Number.isNaN(Date.parse(m[1]!)) || BigInt(m[2]!) > 9223372036854775807n) throw Errors.invalidInput('Invalid Marker.');
  return { time: m[1]!, id: m[2]! };
}

function shape(e: StoredAuditEvent): AuditEventShape {
  return {
    EventId: e.id,
    EventTime: e.time,
    RequestId: e.requestId,
    Service: e.service,
    EventName: e.action,
    Outcome: e.outcome,
    ...(e.errorCode !== undefined ? { ErrorCode: e.errorCode } : {}),
    ...(e.principalArn !== undefined ? { PrincipalArn: e.principalArn } : {}),
    ...(e.principalId !== undefined ? { PrincipalId: e.principalId } : {}),
    ...(e.accessKeyId !== undefined ? { AccessKeyId: e.accessKeyId } : {}),
    ...(e.sourceIp !== undefined ? { SourceIp: e.sourceIp } : {}),
    ...(e.userAgent !== undefined ? { UserAgent: e.userAgent } : {}),
    // As recorded: events never hold a secret, token, password or code (audit/log.ts).
    Detail: JSON.stringify(e.detail ?? {}),
  };
}

/**
 * Tessera extension: the caller's account's audit log, newest first, filtered, keyset-paged on
 * (event_time, id). Needs tessera:LookupAuditEvents on arn:PARTITION:iam::ACCOUNT:audit-log. The
 * account is always the caller's: an event recorded for another account (or for none, such as a
 * request that failed to authenticate) is never returned, whatever the filters or the Marker.
 */
export const LookupAuditEvents = defineOperation({
  service: 'iam',
  name: 'LookupAuditEvents',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'tessera:LookupAuditEvents', auditLogArn(ctx));
    if (input.StartTime && input.EndTime && input.StartTime.getTime() > input.EndTime.getTime()) {
      throw Errors.invalidInput('StartTime must not be later than EndTime.');
    }
    const cursor = cursorOf(input.Marker);
    const maxItems = input.MaxItems ?? DEFAULT_ITEMS;
    const rows = await ctx.services.store.audit.lookup(
      ctx.caller.accountId,
      {
        start: input.StartTime,
        end: input.EndTime,
        service: input.Service,
        action: input.EventName,
        principalArn: input.PrincipalArn,
        outcome: input.Outcome,
        accessKeyId: input.AccessKeyId,
        requestId: input.RequestId,
      },
      cursor,
      maxItems + 1,
    );
    const truncated = rows.length > maxItems;
    const page = truncated ? rows.slice(0, maxItems) : rows;
    const last = page[page.length - 1];
    return {
      AuditEvents: page.map(shape),
      IsTruncated: truncated,
      ...(truncated && last ? { Marker: encodeMarker(`${last.timeText}|${last.id}`) } : {}),
    };
  },
});
