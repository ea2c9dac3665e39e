-- wrk script of Benchmarks/resource/run.sh, the same shape for every route so that wrk's own
-- work per request is the same: a request built per call.
--   KIND=plain   Authorization: Bearer $TOKEN too (the route ignores it): the same bytes on the wire
--                as the bearer routes, so that a ratio measures the check, not a bigger request
--   KIND=bearer  Authorization: Bearer $TOKEN (the same token each time: the verified-token cache)
--   KIND=inline  the same, to the route doing the cached check by hand (a control for the adapter)
--   KIND=uncached, KIND=revocations  the same, to routes whose verifier has no cache (and a deny
--                list of 100,000 other tokens)
--   KIND=work    the same (the route adds one raw P-256 verification in its handler)
--   KIND=parts/…  the same (decompose.sh: the cached route taken apart)
--   KIND=refused, KIND=refused-reported, KIND=reported  the same (issue 14: the first two answer 403)
--   KIND=dpop    Authorization: DPoP $TOKEN and the next proof of $PROOFS (one per line, made just
--                before the measurement: a proof is accepted once, within 60 s of its iat)
--   KIND=unsigned POST $BODY with Authorization: Bearer $TOKEN and its Content-Digest ($DIGEST)
--   KIND=signed   the same, with the next "Signature-Input<TAB>Signature" of $SIGNATURES (RFC 9421;
--                 each signature is accepted once, within 60 s of its creation)
-- Run with one wrk thread (-t1): several threads would send the same proofs. When the proofs run
-- out, requests go without one and come back 401, which wrk counts as non-2xx (the script fails).
local kind = os.getenv("KIND")
local token = os.getenv("TOKEN")
local proofs = {}
local signatures = {}
local index = 0
local body = os.getenv("BODY")
local digest = os.getenv("DIGEST")

init = function(args)
  if kind == "dpop" then
    for line in io.lines(os.getenv("PROOFS")) do proofs[#proofs + 1] = line end
  end
  if kind == "signed" then
    for line in io.lines(os.getenv("SIGNATURES")) do
      local input, signature = line:match("^(.-)\t(.*)$")
      signatures[#signatures + 1] = { input, signature }
    end
  end
end

request = function()
  if kind:sub(1, 6) == "parts/" or kind == "plain" or kind == "bearer" or kind == "inline" or kind == "work" or kind == "uncached" or kind == "revocations"
    or kind == "refused" or kind == "refused-reported" or kind == "reported" then
    return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
  end
  if kind == "unsigned" or kind == "signed" then
    local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json", ["Content-Digest"] = digest }
    if kind == "signed" then
      index = index + 1
      local pair = signatures[index]
      if pair then
        headers["Signature-Input"] = pair[1]
        headers["Signature"] = pair[2]
      end
    end
    return wrk.format("POST", nil, headers, body)
  end
  index = index + 1
  local headers = { ["Authorization"] = "DPoP " .. token }
  if proofs[index] then headers["DPoP"] = proofs[index] end
  return wrk.format("GET", nil, headers)
end
