#!/usr/bin/env python3
"""Print src/apis/events/model/shapes.generated.ts: the EventBridge API shape table, from botocore's model.

Usage: python3 scripts/gen-shapes.py > src/apis/events/model/shapes.generated.ts   (npm run gen:shapes)

The output is botocore's `events` model, reduced to what validation and response
shaping need: operations (input/output shapes, member lists, modeled errors) and a
flat shape table (type, members, required, min/max, pattern, enum, sensitive).
Documentation strings are dropped. Behaviour AWS shows that the model does not state
(observed enum order, extra toString members) lives in src/engine/validation, not here.

The script fails loudly on any model feature it does not translate, so a botocore
upgrade that adds one cannot silently produce an incomplete table.
"""
import re
import sys

import botocore
import botocore.loaders

SERVICE = 'events'
API_VERSION = '2015-10-07'

SHAPE_KEYS = {
    'structure': {'type', 'members', 'required', 'exception', 'fault', 'error', 'sensitive', 'documentation'},
    'list': {'type', 'member', 'min', 'max', 'sensitive', 'documentation'},
    'map': {'type', 'key', 'value', 'min', 'max', 'sensitive', 'documentation'},
    'string': {'type', 'min', 'max', 'pattern', 'enum', 'sensitive', 'documentation'},
    'integer': {'type', 'min', 'max', 'documentation'},
    'long': {'type', 'min', 'max', 'documentation'},
    'float': {'type', 'min', 'max', 'documentation'},
    'double': {'type', 'min', 'max', 'documentation'},
    'boolean': {'type', 'documentation'},
    'timestamp': {'type', 'documentation'},
    'blob': {'type', 'min', 'max', 'sensitive', 'documentation'},
}
# Member traits that change the wire (jsonName, timestampFormat, ...) are not handled;
# contextParam only feeds endpoint rules.
MEMBER_KEYS = {'shape', 'documentation', 'contextParam'}
OPERATION_KEYS = {'name', 'http', 'input', 'output', 'errors', 'documentation', 'endpoint', 'staticContextParams'}
IDENTIFIER = re.compile(r'^[A-Za-z_$][A-Za-z0-9_$]*$')


def fail(message):
    sys.exit(f'gen-shapes: {message}')


def ts_string(value):
    escaped = []
    for char in value:
        if char in '\\\'':
            escaped.append('\\' + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f'\\u{ord(char):04x}')
        else:
            escaped.append(char)
    return "'" + ''.join(escaped) + "'"


def ts_key(name):
    return name if IDENTIFIER.match(name) else ts_string(name)


def ts_string_list(values):
    return '[' + ', '.join(ts_string(v) for v in values) + ']'


def ts_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f'expected a number, got {value!r}')
    return repr(int(value)) if float(value).is_integer() else repr(value)


def structure_fields(name, shape):
    for member_name, member in shape['members'].items():
        unknown = set(member) - MEMBER_KEYS
        if unknown:
            fail(f'{name}.{member_name}: unhandled member traits {sorted(unknown)}')
    members = ', '.join(f'{ts_key(m)}: {ts_string(ref["shape"])}' for m, ref in shape['members'].items())
    fields = [f'members: {{ {members} }}' if members else 'members: {}']
    required = shape.get('required', [])
    missing = [r for r in required if r not in shape['members']]
    if missing:
        fail(f'{name}: required members {missing} are not members')
    if required:
        fields.append(f'required: {ts_string_list(required)}')
    if shape.get('exception'):
        fields.append('exception: true')
    if shape.get('fault'):
        fields.append('fault: true')
    return fields


def shape_line(name, shape):
    kind = shape['type']
    if kind not in SHAPE_KEYS:
        fail(f'{name}: unhandled shape type {kind!r}')
    unknown = set(shape) - SHAPE_KEYS[kind]
    if unknown:
        fail(f'{name}: unhandled traits {sorted(unknown)} on a {kind}')
    fields = [f'type: {ts_string(kind)}']
    if kind == 'structure':
        fields += structure_fields(name, shape)
    elif kind == 'list':
        fields.append(f'member: {ts_string(shape["member"]["shape"])}')
    elif kind == 'map':
        fields.append(f'key: {ts_string(shape["key"]["shape"])}')
        fields.append(f'value: {ts_string(shape["value"]["shape"])}')
    for bound in ('min', 'max'):
        if bound in shape:
            fields.append(f'{bound}: {ts_number(shape[bound])}')
    if 'pattern' in shape:
        fields.append(f'pattern: {ts_string(shape["pattern"])}')
    if 'enum' in shape:
        fields.append(f'enum: {ts_string_list(shape["enum"])}')
    if shape.get('sensitive'):
        fields.append('sensitive: true')
    return f'  {ts_key(name)}: {{ {", ".join(fields)} }},'


def member_names(model, ref):
    if ref is None:
        return []
    return list(model['shapes'][ref['shape']]['members'])


def operation_line(model, name, operation):
    unknown = set(operation) - OPERATION_KEYS
    if unknown:
        fail(f'{name}: unhandled operation keys {sorted(unknown)}')
    http = operation['http']
    if http.get('method') != 'POST' or http.get('requestUri') != '/':
        fail(f'{name}: not a POST / operation: {http}')
    input_ref, output_ref = operation.get('input'), operation.get('output')
    fields = [
        f'input: {ts_string(input_ref["shape"]) if input_ref else "null"}',
        f'output: {ts_string(output_ref["shape"]) if output_ref else "null"}',
        f'inputMembers: {ts_string_list(member_names(model, input_ref))}',
        f'outputMembers: {ts_string_list(member_names(model, output_ref))}',
        f'errors: {ts_string_list(e["shape"] for e in operation.get("errors", []))}',
    ]
    return f'  {name}: {{ {", ".join(fields)} }},'


def check_references(model):
    shapes = model['shapes']

    def need(owner, ref):
        if ref not in shapes:
            fail(f'{owner} refers to unknown shape {ref}')

    for name, shape in shapes.items():
        if shape['type'] == 'structure':
            for member_name, member in shape['members'].items():
                need(f'{name}.{member_name}', member['shape'])
        elif shape['type'] == 'list':
            need(name, shape['member']['shape'])
        elif shape['type'] == 'map':
            need(name, shape['key']['shape'])
            need(name, shape['value']['shape'])
    for name, operation in model['operations'].items():
        for ref in [operation.get('input'), operation.get('output')] + operation.get('errors', []):
            if ref:
                need(name, ref['shape'])


def main():
    model = botocore.loaders.create_loader().load_service_model(SERVICE, 'service-2', API_VERSION)
    metadata = model['metadata']
    if metadata.get('protocol') != 'json' or metadata.get('jsonVersion') != '1.1':
        fail(f'expected an awsJson 1.1 service, got {metadata.get("protocol")} {metadata.get("jsonVersion")}')
    check_references(model)
    operations = model['operations']
    out = [
        '/**',
        ' * GENERATED FILE - do not edit. Regenerate with `npm run gen:shapes`',
        f' * (scripts/gen-shapes.py), from botocore {botocore.__version__}: model `{SERVICE}` {API_VERSION}.',
        ' *',
        ' * OPERATIONS: per operation its input/output shape, their member names in model',
        ' * order, and the modeled error shapes. SHAPES: every shape, referenced by name.',
        ' */',
        "import type { OperationSpec, ShapeSpec } from './shapeTypes.js';",
        '',
        f'export const BOTOCORE_VERSION = {ts_string(botocore.__version__)};',
        f'export const API_VERSION = {ts_string(metadata["apiVersion"])};',
        f'export const TARGET_PREFIX = {ts_string(metadata["targetPrefix"])};',
        '',
        'export const OPERATION_NAMES = [',
        *[f'  {ts_string(name)},' for name in operations],
        '] as const;',
        '',
        'export type OperationName = (typeof OPERATION_NAMES)[number];',
        '',
        'export const OPERATIONS: Readonly<Record<OperationName, OperationSpec>> = {',
        *[operation_line(model, name, op) for name, op in operations.items()],
        '};',
        '',
        'export const SHAPES: Readonly<Record<string, ShapeSpec>> = {',
        *[shape_line(name, shape) for name, shape in model['shapes'].items()],
        '};',
        '',
    ]
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    main()
