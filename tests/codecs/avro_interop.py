"""python3-avro side of the Avro interop tests (an independent implementation).

usage: avro_interop.py read  SCHEMA DATA   -> prints the datum as JSON
       avro_interop.py write SCHEMA VALUES -> writes the datum's bytes to stdout

Plain JSON stands in for Avro values: timestamp-micros are integers (micro-
seconds since the epoch), unions are null or the value, enums their symbol.
"""
import datetime
import io
import json
import sys

import avro.io
import avro.schema

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def logical(s):
    return s.get_prop("logicalType") if hasattr(s, "get_prop") else None


def to_plain(x):
    if isinstance(x, datetime.datetime):
        return (x - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(x, dict):
        return {k: to_plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [to_plain(v) for v in x]
    return x


def from_plain(x, s):
    t = s.type
    if t == "record":
        return {f.name: from_plain(x[f.name], f.type) for f in s.fields}
    if t == "union":
        return None if x is None else from_plain(x, s.schemas[1])
    if t == "array":
        return [from_plain(v, s.items) for v in x]
    if t == "map":
        return {k: from_plain(v, s.values) for k, v in x.items()}
    if t == "long" and logical(s) == "timestamp-micros":
        return EPOCH + datetime.timedelta(microseconds=x)
    return x


def main():
    mode, schema_path, data_path = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    if mode == "read":
        with open(data_path, "rb") as f:
            data = f.read()
        buf = io.BytesIO(data)
        datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(buf))
        if buf.tell() != len(data):
            sys.exit("python read %d of %d bytes" % (buf.tell(), len(data)))
        print(json.dumps(to_plain(datum), sort_keys=True, ensure_ascii=True))
    else:
        with open(data_path, encoding="utf-8") as f:
            value = from_plain(json.load(f), schema)
        buf = io.BytesIO()
        avro.io.DatumWriter(schema).write(value, avro.io.BinaryEncoder(buf))
        sys.stdout.buffer.write(buf.getvalue())


main()
