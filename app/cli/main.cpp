#include <cstdio>
int main() { std::puts("palaestra-cli: under construction"); return 0; }
