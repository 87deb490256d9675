import type { MethodKind } from '../../../preload/contract';

/** Small line icons (SVG, so they render the same everywhere; decorative: aria-hidden). */
const paths: Record<string, string> = {
  key: 'M7 7.5a4.5 4.5 0 0 1 4.3 3.2H22v2.6h-2v3h-2.6v-3h-1.6v2h-2.6v-2h-1.9A4.5 4.5 0 1 1 7 7.5zm0 2.7a1.8 1.8 0 1 0 0 3.6 1.8 1.8 0 0 0 0-3.6z',
  app: 'M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 3v13h10V5H7zm3 2h4v2h-4V7zm-1 4h6v2H9v-2z',
  token: 'M4 6h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2zm1 4v4h14v-4H5z',
  phone:
    'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 3v13h8V5H8zm3 14h2v1h-2v-1z',
  email:
    'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.4V17h16V7.4l-8 5.3-8-5.3zM5.6 7 12 11.2 18.4 7H5.6z',
  question:
    'M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm0 11a1.3 1.3 0 1 1 0 2.6 1.3 1.3 0 0 1 0-2.6zm0-9a3.5 3.5 0 0 1 1.2 6.8c-.3.1-.2.4-.2.7V14h-2v-.5c0-1.4.6-2.3 1.6-2.7A1.5 1.5 0 1 0 10.5 9.5h-2A3.5 3.5 0 0 1 12 6z',
  plus: 'M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7V4z',
};

export type IconName = keyof typeof paths;

export function Icon({ name, size = 24 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="ks-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}

export function methodIconName(kind: MethodKind): IconName {
  switch (kind) {
    case 'securityKey':
      return 'key';
    case 'authenticatorApp':
      return 'app';
    case 'hardwareToken':
      return 'token';
    case 'phoneSms':
    case 'phoneCall':
      return 'phone';
    case 'email':
      return 'email';
    case 'securityQuestions':
      return 'question';
  }
}
