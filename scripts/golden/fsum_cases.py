# Golden values of math.fsum (CPython 3.11.7) for Tests/OcularCoreTests/Scoring/ExactSumTests.swift.
import math, random, json, sys
cases = []
def add(name, terms):
    cases.append({"name": name, "terms": [t.hex() for t in terms], "fsum": math.fsum(terms).hex(),
                  "naive": sum(terms).hex()})
add("tenths", [0.1] * 10)
add("cancellation", [1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50])
add("tie rounds to even, settled by a lower term", [1.0, 2.0**-53, 2.0**-106])
add("tie rounds to even", [1.0, 2.0**-53])
add("tie below", [1.0, 2.0**-53, -2.0**-106])
add("negative zero", [-0.0])
add("zeros", [0.0, -0.0])
add("tiny subnormals", [5e-324, 5e-324, -5e-324, 2.2250738585072014e-308])
add("large", [1.7976931348623157e308, -1.7976931348623157e308, 1e308])
rng = random.Random(20261207)
add("uniform [0,1) x 300", [rng.random() for _ in range(300)])
add("scores 0/1 and ANLS-like", [rng.choice([0.0, 1.0, rng.random(), 1 - rng.random() / 3]) for _ in range(1000)])
add("wide exponents, both signs", [rng.choice([-1, 1]) * rng.random() * 10.0 ** rng.randint(-30, 30) for _ in range(600)])
add("thirds", [1 / 3] * 1001)
sys.stdout.write("[\n" + ",\n".join(json.dumps(case) for case in cases) + "\n]\n")
