-- W4 peer: the telemetry example protocol (proto/examples/telemetry.pdl) as a Wireshark Lua dissector,
-- field for field as the craft plugin dissects it: the same fields, checksum check, columns and length.
-- Used by scripts/bench-net.sh: tshark -X lua_script:tests/bench/telemetry.lua -r FILE

local telemetry = Proto("telemetry_lua", "Sensor telemetry (Lua)")

local kinds = { [1] = "temperature", [2] = "humidity", [3] = "air-quality" }

local f = {
  version = ProtoField.uint8("telemetry_lua.version", "version", base.DEC, nil, 0xe0),
  urgent = ProtoField.uint8("telemetry_lua.urgent", "urgent", base.DEC, nil, 0x10),
  kind = ProtoField.uint8("telemetry_lua.kind", "kind", base.DEC, kinds, 0x0f),
  flags = ProtoField.uint8("telemetry_lua.flags", "flags", base.HEX),
  ack = ProtoField.bool("telemetry_lua.flags.ack", "ACK", 8, nil, 0x01),
  retry = ProtoField.bool("telemetry_lua.flags.retry", "RETRY", 8, nil, 0x02),
  last = ProtoField.bool("telemetry_lua.flags.last", "LAST", 8, nil, 0x04),
  length = ProtoField.uint16("telemetry_lua.length", "length", base.DEC, nil, nil, "Bytes of header and payload"),
  sequence = ProtoField.uint32("telemetry_lua.sequence", "sequence", base.DEC),
  station = ProtoField.ipv4("telemetry_lua.station", "station"),
  extra = ProtoField.uint16("telemetry_lua.extra", "extra", base.DEC),
  checksum = ProtoField.uint16("telemetry_lua.checksum", "checksum", base.HEX),
  checksum_status = ProtoField.uint8("telemetry_lua.checksum.status", "checksum status", base.DEC),
  note = ProtoField.bytes("telemetry_lua.note", "note"),
}
telemetry.fields = f

local bad_checksum = ProtoExpert.new("telemetry_lua.expert.checksum", "Telemetry.checksum is wrong",
                                     expert.group.CHECKSUM, expert.severity.ERROR)
local truncated = ProtoExpert.new("telemetry_lua.expert.truncated", "Telemetry is truncated",
                                  expert.group.MALFORMED, expert.severity.ERROR)
telemetry.experts = { bad_checksum, truncated }

-- The Internet checksum's sum over the layer's bytes: 0xffff when the checksum in it is right.
local function ones_complement_sum(tvb, length)
  local sum = 0
  for i = 0, length - 2, 2 do
    sum = sum + tvb(i, 2):uint()
  end
  if length % 2 == 1 then
    sum = sum + tvb(length - 1, 1):uint() * 256
  end
  while sum > 0xffff do
    sum = bit.band(sum, 0xffff) + bit.rshift(sum, 16)
  end
  return sum
end

function telemetry.dissector(tvb, pinfo, tree)
  local available = tvb:len()
  if available < 14 then
    return 0
  end
  pinfo.cols.protocol = "Telemetry"
  pinfo.cols.info = ""
  local first = tvb(0, 1):uint()
  local urgent = bit.band(first, 0x10) ~= 0
  local kind = bit.band(first, 0x0f)
  local length = tvb(2, 2):uint()
  local header = urgent and 16 or 14
  local t = tree:add(telemetry, tvb(0, math.min(length, available)))
  t:add(f.version, tvb(0, 1))
  t:add(f.urgent, tvb(0, 1))
  t:add(f.kind, tvb(0, 1))
  local flags = t:add(f.flags, tvb(1, 1))
  flags:add(f.ack, tvb(1, 1))
  flags:add(f.retry, tvb(1, 1))
  flags:add(f.last, tvb(1, 1))
  t:add(f.length, tvb(2, 2))
  local sequence = tvb(4, 4):le_uint()
  t:add_le(f.sequence, tvb(4, 4))
  local station = tvb(8, 4):ipv4()
  t:add(f.station, tvb(8, 4))
  if length < header or length > available then
    t:add_proto_expert_info(truncated)
    return available
  end
  local at = 12
  if urgent then
    t:add(f.extra, tvb(at, 2))
    at = at + 2
  end
  local checksum = t:add(f.checksum, tvb(at, 2))
  local right = ones_complement_sum(tvb, length) == 0xffff
  t:add(f.checksum_status, tvb(at, 2), right and 1 or 0):set_generated()
  if not right then
    checksum:add_proto_expert_info(bad_checksum)
  end
  if length > header then
    t:add(f.note, tvb(header, length - header))
  end
  pinfo.cols.info = string.format("Telemetry %s from %s seq %d", kinds[kind] or tostring(kind), tostring(station),
                                  sequence)
  return length
end

DissectorTable.get("udp.port"):add(9999, telemetry)
