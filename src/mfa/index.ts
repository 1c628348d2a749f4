/** TOTP (RFC 6238) and virtual-device enrolment: pure functions of their inputs. The check against a stored device, with attempt limits, is src/iam/mfa-check.ts. */
export { verifyTotp, verifyConsecutive, totpAt, timeStep, TOTP_PERIOD, type TotpResult } from './totp.js';
export { newTotpSeed, otpauthUri, qrPng } from './enrol.js';
