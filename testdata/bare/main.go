// Command bare is the yardstick of start-up: a static Go program that
// prints a line, as `wsdoctor-cli version` does (BenchmarkStartup).
package main

import "fmt"

func main() { fmt.Println("wsdoctor") }
