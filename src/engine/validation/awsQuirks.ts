/**
 * What AWS prints that botocore's model alone does not predict. Each entry is an
 * observation of the real service; anything not listed follows the model.
 */

/**
 * Enum sets whose order in "Member must satisfy enum value set: [...]" differs from
 * the model's. Observed: CreateApiDestination with HttpMethod 'INVALID_METHOD' answers
 * `[HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]` (model: POST, GET, HEAD, OPTIONS,
 * PUT, PATCH, DELETE) - LocalStack snapshot recorded against AWS on 2024-12-06,
 * tests/aws/services/events/test_api_destinations_and_connection.snapshot.json
 * (aws-facts.md §1 "Validation message format"). ConnectionAuthorizationType was
 * observed in model order (same snapshot), so the model order is the default.
 */
export const OBSERVED_ENUM_ORDER: Readonly<Record<string, readonly string[]>> = {
  ApiDestinationHttpMethod: ['HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'GET', 'OPTIONS'],
};

/**
 * Members of AWS's server-side classes that the public model lacks; they show up,
 * always `null`, when AWS prints a value with Java's toString(). Observed: PutEvents
 * with 11 entries prints `PutEventsRequestEntry(time=null, source=..., ...,
 * traceHeader=null, kmsKeyIdentifier=null, internalMetadata=null)` - LocalStack
 * snapshot recorded against AWS on 2024-12-06, tests/aws/services/events/
 * test_events.snapshot.json, test_put_events_exceed_limit_ten_entries.
 */
export const HIDDEN_TOSTRING_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  PutEventsRequestEntry: ['kmsKeyIdentifier', 'internalMetadata'],
};
