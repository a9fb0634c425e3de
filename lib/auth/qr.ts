import 'server-only';
import QRCode from 'qrcode';

/** The QR code as inline SVG, drawn on the server: no third-party service ever sees the secret. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
}
