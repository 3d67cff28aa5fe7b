/**
 * Route declarations for the demand evidence PCCs use: the demand report (JSON or CSV), the
 * evidence pack (HTML or a ZIP of the CSVs behind its charts) and its workbook (.xlsx), the all-incidents
 * volumes that give
 * "share of all incidents", and the R41 high-intensity marker of one incident.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { GROUP_BYS } from '../../reports/types.js';
import {
  authenticated,
  csvContent,
  headers,
  idParam,
  instantOut,
  problemResponse,
  security,
  withBody,
} from '../schemas.js';

const day = z.iso.date().openapi({ example: '2025-04-01', description: 'Force-local calendar date (inclusive)' });
const periodQuery = {
  from: day,
  to: day,
  suppress: z.enum(['true', 'false']).optional().openapi({
    description:
      'Apply small-number suppression (R44) although your role does not require it (a preview of the PCC output)',
  }),
};

const unit = z.enum(['count', 'hours', 'share', 'minutes']);
/** A published figure: a number, "[c]" when withheld by small-number suppression (R44), or null. */
const figure = z.union([z.number(), z.literal('[c]')]).nullable();
const outputRow = z.object({
  group: z.string(),
  cells: z.record(z.string(), figure).openapi({
    description: 'Measure id → value; "[c]": withheld by small-number suppression (R44); null: no value',
  }),
  suppressed: z.array(z.string()).openapi({ description: 'Measures withheld in this row (R44)' }),
});
const reportSection = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.literal('available'),
    definition: z.string(),
    groupBy: z.enum(GROUP_BYS).nullable(),
    groupingNote: z.string().nullable(),
    measures: z.array(z.object({ id: z.string(), label: z.string(), unit, definition: z.string() })),
    rows: z.array(outputRow),
    total: outputRow,
    notes: z.array(z.string()),
  })
  .openapi('ReportSection');

const reportSchema = z
  .object({
    title: z.string(),
    force: z.string(),
    period: z.object({ from: day, to: day, timeZone: z.string() }),
    groupBy: z.enum(GROUP_BYS),
    generatedAt: instantOut,
    population: z.string(),
    suppression: z.object({ applied: z.boolean(), threshold: z.number().int(), rule: z.string() }),
    sections: z.array(reportSection),
    dataQuality: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        value: figure,
        unit: unit.nullable(),
        suppressed: z.boolean(),
      }),
    ),
    labels: z.record(z.string(), z.string()).openapi({ description: 'Display names of the codes groups carry' }),
  })
  .openapi('DemandReport', {
    description:
      'Sections (each with its definition, measures and rows), suppression and data-quality notes. A figure withheld ' +
      'by small-number suppression (R44) is the string "[c]" in its cell and is listed in the row\'s `suppressed`.',
  });

export const demand = createRoute({
  method: 'get',
  path: '/api/reports/demand',
  operationId: 'getDemandReport',
  tags: ['Reports'],
  summary: 'Demand report for a period: every figure with its definition (JSON or CSV)',
  security,
  request: {
    query: z.object({
      ...periodQuery,
      groupBy: z.enum(GROUP_BYS).default('month'),
      format: z.enum(['json', 'csv']).default('json'),
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: reportSchema }, ...csvContent },
      headers: headers.download,
      description: 'The report',
    },
    400: problemResponse('Bad period or grouping'),
    ...authenticated,
    403: problemResponse('Your role may not read demand reports'),
  },
});

export const evidencePack = createRoute({
  method: 'get',
  path: '/api/reports/evidence-pack',
  operationId: 'getEvidencePack',
  tags: ['Reports'],
  summary:
    'Evidence pack: one self-contained HTML document (printable to PDF), or format=zip for the CSVs behind every chart',
  security,
  request: { query: z.object({ ...periodQuery, format: z.enum(['html', 'zip']).default('html') }) },
  responses: {
    200: {
      content: {
        'text/html': { schema: z.string() },
        'application/zip': { schema: z.string().openapi({ format: 'binary' }) },
      },
      headers: headers.download,
      description: 'The evidence pack',
    },
    400: problemResponse('Bad period'),
    ...authenticated,
    403: problemResponse('Your role may not read demand reports'),
  },
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const workbook = createRoute({
  method: 'get',
  path: '/api/reports/workbook',
  operationId: 'getEvidenceWorkbook',
  tags: ['Reports'],
  summary:
    'The evidence pack as a workbook (.xlsx): cover, contents, notes, then one table a worksheet; withheld ' +
    'figures are "[c]" for the roles that are suppressed (R44)',
  security,
  request: { query: z.object(periodQuery) },
  responses: {
    200: {
      content: { [XLSX]: { schema: z.string().openapi({ format: 'binary' }) } },
      headers: headers.download,
      description: 'The workbook',
    },
    400: problemResponse('Bad period'),
    ...authenticated,
    403: problemResponse('Your role may not read demand reports'),
  },
});

export const volumes = createRoute({
  method: 'put',
  path: '/api/reports/incident-volumes',
  operationId: 'recordIncidentVolumes',
  tags: ['Reports'],
  summary:
    'Record monthly totals of ALL incidents in command and control (the denominator of "share of all incidents")',
  security,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              source: z.string().min(1).max(200).openapi({ example: 'STORM monthly incident count' }),
              items: z
                .array(
                  z.strictObject({
                    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
                    district: z
                      .string()
                      .min(1)
                      .max(100)
                      .optional()
                      .openapi({ description: 'Omit for the force-wide total' }),
                    allIncidents: z.number().int().min(0),
                  }),
                )
                .min(1)
                .max(5000),
            })
            .openapi('IncidentVolumes'),
        },
      },
    },
  },
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ recorded: z.number().int() }) } },
      description: 'Recorded (a month already recorded is replaced)',
    },
    400: problemResponse('Malformed'),
    ...authenticated,
    403: problemResponse('Your role may not record volumes'),
    ...withBody,
  },
});

export const marker = createRoute({
  method: 'get',
  path: '/api/incidents/{id}/high-intensity',
  operationId: 'getHighIntensityMarker',
  tags: ['Reports'],
  summary:
    'R41: whether the subject of this incident was high-intensity at the time of the call (computed; access ' +
    'restricted and audited)',
  security,
  request: {
    params: idParam('id', 64),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              incidentId: z.string(),
              highIntensity: z.boolean().nullable(),
              incidentsInWindow: z.number().int().nullable(),
              minIncidents: z.number().int(),
              windowDays: z.number().int(),
              asOf: instantOut,
              reason: z.string().nullable(),
            })
            .openapi('HighIntensityMarker'),
        },
      },
      description: 'The computed marker',
    },
    400: problemResponse('Bad id'),
    ...authenticated,
    403: problemResponse('Your role may not see the marker'),
    404: problemResponse('Unknown incident'),
  },
});

export type DemandRoute = typeof demand;
export type EvidencePackRoute = typeof evidencePack;
export type WorkbookRoute = typeof workbook;
export type VolumesRoute = typeof volumes;
export type MarkerRoute = typeof marker;
