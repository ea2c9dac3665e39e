# Regenerates HTTPSignatureKey.smallOrderEd25519Encodings (WardenCore): the Ed25519 points of small order (the 8-torsion), by RFC 8032 §5.1 arithmetic: their
# encodings, canonical and not (y + p where it still fits in 255 bits), with either sign bit.
p = 2**255 - 19
d = -121665 * pow(121666, p - 2, p) % p
def recover_x(y, sign):
    if y >= p: return None
    x2 = (y*y - 1) * pow(d*y*y + 1, p - 2, p) % p
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (p + 3) // 8, p)
    if (x*x - x2) % p != 0: x = x * pow(2, (p - 1) // 4, p) % p
    if (x*x - x2) % p != 0: return None
    if (x & 1) != sign: x = p - x
    return x
def add(P, Q):
    (x1, y1), (x2, y2) = P, Q
    x3 = (x1*y2 + x2*y1) * pow(1 + d*x1*x2*y1*y2, p - 2, p) % p
    y3 = (y1*y2 + x1*x2) * pow(1 - d*x1*x2*y1*y2, p - 2, p) % p
    return (x3, y3)
def mul(k, P):
    R = (0, 1)
    while k:
        if k & 1: R = add(R, P)
        P = add(P, P); k >>= 1
    return R
# Torsion points: solutions with [8]P = identity. Search among y such that the point exists:
# they are known to be y in {1, -1, 0, ±sqrt(...)}; find by taking a point of order 8.
# Generate: take any point Q, P = [L]Q has order dividing 8 (L the prime subgroup order).
L = 2**252 + 27742317777372353535851937790883648493
torsion = set()
y = 2
while len(torsion) < 8 and y < 200:
    for sign in (0, 1):
        x = recover_x(y, sign)
        if x is None: continue
        T = mul(L, (x, y))
        for k in range(8):
            torsion.add(mul(k, T))
    y += 1
encodings = set()
for (x, y) in torsion:
    assert mul(8, (x, y)) == (0, 1)
    for yy in (y, y + p):
        if yy >= 2**255: continue
        for s in (0, 1):
            enc = yy | (s << 255)
            encodings.add(enc.to_bytes(32, 'little').hex())
print(len(torsion), "points;", len(encodings), "encodings")
for e in sorted(encodings): print(e)
