# Motor 3.6 - 3.7 (mongodb/motor @ 71d9ba6f)
