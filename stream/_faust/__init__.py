"""The only package that touches faust or aiokafka internals; each patch has a guard test."""
