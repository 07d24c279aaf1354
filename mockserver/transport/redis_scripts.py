"""The Lua scripts of the Redis store: each runs atomically inside Redis, so workers on any
number of processes or machines see one consistent lane.

Keys (P is the store's prefix, `mockserver:` by default; L a lane id):

    P seq               global arrival counter (INCR): the journal's order
    P ids               queued-scenario id counter (scn_<n>)
    P lane:L:n          the lane's request counter: request index k -> seed (choose.seed_for)
    P lane:L:lib        hash: library scenario name -> uses on this lane
    P lane:L:q          list of the lane's queued ids, in enqueue order
    P lane:L:items      hash: <id>.s scenario JSON, <id>.p "=path" or "", <id>.m model or "",
                        <id>.b body fields matched ({"field": canonical JSON}) or "",
                        <id>.t times (-1 = always), <id>.u uses so far, <id>.n name
    P lane:L:j          sorted set: journal entries (compact JSON) scored by arrival number
    P jbytes            hash: lane -> bytes of its journal
    P jtotal            bytes of every lane's journal
    P jidle             sorted set: lane -> arrival number of its last journaled request
    P jevicted          hash: lane -> entries evicted by the bounds; P jevicted:all the total

The journal is one sequence in arrival order: every entry carries the number the global
counter gave its request on arrival, and readers merge the lanes by it. Eviction touches keys
of other lanes than the ones passed in KEYS, so the store needs a single Redis (not Cluster).
"""

from __future__ import annotations

__all__ = ["NEXT_REQUEST", "TAKE", "ENQUEUE", "RECORD", "RESET_LANE"]

#: KEYS: lane counter, global counter -> {lane index, arrival number}, both from 0
NEXT_REQUEST = """
return {redis.call('INCR', KEYS[1]) - 1, redis.call('INCR', KEYS[2]) - 1}
"""

#: KEYS: queue list, items hash; ARGV: path (no trailing /), model or "", "1" to peek, the
#: request body's fields ({"field": canonical JSON}; "" for no body; "?" when not sent yet).
#: The first queued scenario that matches and has uses left: {id, use, scenario JSON} after
#: counting the use (not when peeking), or nil; {"?"} when a candidate matches on body fields
#: and they were not sent (the caller asks again with them: most requests never pay for them).
TAKE = """
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local body = nil
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', KEYS[2], id .. '.p', id .. '.m', id .. '.t', id .. '.u',
                       id .. '.b')
  if f[3] then
    local times, used = tonumber(f[3]), tonumber(f[4])
    local fits = (times < 0 or used < times)
        and (f[1] == '' or f[1] == '=' .. ARGV[1])
        and (f[2] == '' or f[2] == ARGV[2])
    if fits and f[5] and f[5] ~= '' then
      if ARGV[4] == '?' then return {'?'} end
      if ARGV[4] == '' then
        fits = false
      else
        body = body or cjson.decode(ARGV[4])
        for key, value in pairs(cjson.decode(f[5])) do
          if body[key] ~= value then fits = false end
        end
      end
    end
    if fits then
      if ARGV[3] ~= '1' then redis.call('HINCRBY', KEYS[2], id .. '.u', 1) end
      return {id, used, redis.call('HGET', KEYS[2], id .. '.s')}
    end
  end
end
return false
"""

#: KEYS: id counter, queue list, items hash; ARGV: 6 per scenario (JSON, path field, model,
#: times, name, body fields) -> the new ids
ENQUEUE = """
local out = {}
for i = 1, #ARGV, 6 do
  local id = 'scn_' .. redis.call('INCR', KEYS[1])
  redis.call('HSET', KEYS[3], id .. '.s', ARGV[i], id .. '.p', ARGV[i + 1],
             id .. '.m', ARGV[i + 2], id .. '.t', ARGV[i + 3], id .. '.u', 0,
             id .. '.n', ARGV[i + 4], id .. '.b', ARGV[i + 5])
  redis.call('RPUSH', KEYS[2], id)
  out[#out + 1] = id
end
return out
"""

#: KEYS: lane journal, jbytes, jtotal, jidle, jevicted, jevicted:all; ARGV: lane, arrival
#: number, entry JSON, lane byte cap, total byte cap, prefix of lane keys ("P lane:"), lane
#: entry cap, lane count cap (journal_bounds.JournalBounds).
#: Adds the entry, then evicts: the lane's oldest entries past the lane's caps, then the
#: longest-idle other lanes' journals past the total cap or the number of lanes. Returns the
#: entries evicted.
RECORD = """
local lane, num, entry = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local lane_cap, total_cap = tonumber(ARGV[4]), tonumber(ARGV[5])
local entries_cap, lanes_cap = tonumber(ARGV[7]), tonumber(ARGV[8])
redis.call('ZADD', KEYS[1], num, entry)
local lane_bytes = redis.call('HINCRBY', KEYS[2], lane, #entry)
local total = redis.call('INCRBY', KEYS[3], #entry)
redis.call('ZADD', KEYS[4], 'GT', num, lane)
local evicted = 0
while (lane_bytes > lane_cap or redis.call('ZCARD', KEYS[1]) > entries_cap)
    and redis.call('ZCARD', KEYS[1]) > 1 do
  local old = redis.call('ZPOPMIN', KEYS[1])
  lane_bytes = redis.call('HINCRBY', KEYS[2], lane, -#old[1])
  total = redis.call('INCRBY', KEYS[3], -#old[1])
  evicted = evicted + 1
end
if evicted > 0 then
  redis.call('HINCRBY', KEYS[5], lane, evicted)
  redis.call('INCRBY', KEYS[6], evicted)
end
while total > total_cap or redis.call('ZCARD', KEYS[4]) > lanes_cap do
  local idle = redis.call('ZRANGE', KEYS[4], 0, 1)
  local victim = idle[1]
  if victim == lane then victim = idle[2] end
  if not victim then break end
  local key = ARGV[6] .. victim .. ':j'
  local n = redis.call('ZCARD', key)
  local bytes = tonumber(redis.call('HGET', KEYS[2], victim) or '0')
  redis.call('DEL', key)
  redis.call('HDEL', KEYS[2], victim)
  redis.call('ZREM', KEYS[4], victim)
  total = redis.call('INCRBY', KEYS[3], -bytes)
  redis.call('HINCRBY', KEYS[5], victim, n)
  redis.call('INCRBY', KEYS[6], n)
  evicted = evicted + n
end
return evicted
"""

#: KEYS: counter, lib, queue, items, journal, jbytes, jtotal, jidle, jevicted, jevicted:all;
#: ARGV: lane. Forgets the lane: its queue, counters, journal and evicted count.
RESET_LANE = """
local lane = ARGV[1]
local bytes = tonumber(redis.call('HGET', KEYS[6], lane) or '0')
local evicted = tonumber(redis.call('HGET', KEYS[9], lane) or '0')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('HDEL', KEYS[6], lane)
redis.call('DECRBY', KEYS[7], bytes)
redis.call('ZREM', KEYS[8], lane)
redis.call('HDEL', KEYS[9], lane)
redis.call('DECRBY', KEYS[10], evicted)
return bytes
"""
