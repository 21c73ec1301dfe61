#include "fastkafka/embedded_broker.hpp"
int main() { return 0; }
