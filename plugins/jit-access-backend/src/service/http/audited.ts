import type { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';

/** Runs a mutation as an audit event: success or failure, with what was asked for. */
export type Audited = <T>(
  eventId: string,
  req: Request,
  meta: JsonObject,
  fn: () => Promise<T>,
  severityLevel?: 'low' | 'medium' | 'high' | 'critical',
) => Promise<T>;

/**
 * Every mutation is an audit event of Backstage's auditor service (besides
 * the plugin's own append-only event table).
 */
export function auditedWith(auditor?: AuditorService): Audited {
  return async (eventId, req, meta, fn, severityLevel = 'medium') => {
    const event = await auditor?.createEvent({ eventId, request: req, severityLevel, meta });
    try {
      const result = await fn();
      await event?.success({ meta: resultMeta(result) });
      return result;
    } catch (error) {
      await event?.fail({ error: error as Error });
      throw error;
    }
  };
}

/** What an audit event keeps of a result: the request id and status. */
function resultMeta(result: unknown): JsonObject {
  if (result && typeof result === 'object' && 'id' in result && 'status' in result) {
    const r = result as { id: string; status: string };
    return { requestId: r.id, status: r.status };
  }
  return {};
}
