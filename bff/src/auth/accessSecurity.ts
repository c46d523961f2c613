import type { Access } from './principal.js';

/** The two kinds of bearer token, as the OpenAPI document names them. */
export const securitySchemes = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'FORKLINE_ADMIN_TOKEN: may do everything.',
  },
  userToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A user's token: HS256 with FORKLINE_JWT_SECRET, sub = the userId, exp required. Reads and acts on its own user only.",
  },
} as const;

/** Who may call a route with this access rule (principal.ts `authorize`), for its OpenAPI `security`. */
export function accessSecurity(access: Access): Partial<Record<keyof typeof securitySchemes, string[]>>[] {
  return access === 'admin' ? [{ adminToken: [] }] : [{ adminToken: [] }, { userToken: [] }];
}
