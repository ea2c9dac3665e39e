import ArgumentParser
import ScopesTutorial
print("x")
