// A request that failed its schema, as one message a person reads:
// "body.files[3].name: a file name must not contain path separators; ...; and 2 more".

/** One failed check, as fastify-type-provider-zod reports it. */
export interface ValidationIssue {
  /** A JSON pointer into the validated part: "/files/3/name". */
  instancePath: string
  message?: string | undefined
}

/** A huge registration can fail on every entry; a few examples say enough. */
const MAX_ISSUES_IN_MESSAGE = 5

/** `context` names the validated part of the request: body, params, querystring, headers. */
export function describeIssues (context: string, issues: readonly ValidationIssue[]): string {
  const described = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${context}${formatPath(issue.instancePath)}: ${issue.message}`)
  const more = issues.length - described.length
  return described.join('; ') + (more > 0 ? `; and ${more} more` : '')
}

/** "/files/3/name" -> ".files[3].name" */
function formatPath (instancePath: string): string {
  return instancePath.split('/').filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
}
