# The same study as study_1e6.rhai, in numpy.
import numpy as np

N = np.logspace(6, 11, 1_000_000)
l = 1.69 + 406.4 / N**0.34 + 410.7 / 1e12**0.28
x = (N / 1e9) * l + 1.0
print(x.sum())
