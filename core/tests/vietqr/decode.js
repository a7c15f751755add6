// Reads VietQR payloads from stdin, one per line, decodes each with the
// independent `vietnam-qr-pay` library and prints one JSON object per line.
// Used by core/tests/vietqr_crosscheck.rs.
'use strict';

const { QRPay } = require('vietnam-qr-pay');

const input = require('fs').readFileSync(0, 'utf8');
for (const line of input.split('\n')) {
  const payload = line.replace(/\r$/, '');
  if (!payload) continue;
  const qr = new QRPay(payload);
  console.log(JSON.stringify({
    payload,
    isValid: qr.isValid,
    provider: qr.provider && qr.provider.name,
    guid: qr.provider && qr.provider.guid,
    service: qr.provider && qr.provider.service,
    initMethod: qr.initMethod,
    bankBin: qr.consumer && qr.consumer.bankBin,
    bankNumber: qr.consumer && qr.consumer.bankNumber,
    amount: qr.amount,
    currency: qr.currency,
    nation: qr.nation,
    purpose: qr.additionalData && qr.additionalData.purpose,
    crc: qr.crc,
    rebuilt: qr.isValid ? qr.build() : null,
  }));
}
