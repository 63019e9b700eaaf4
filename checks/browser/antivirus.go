package browser

// antivirusOn reads the productState of Windows Security Center's
// AntiVirusProduct: its middle byte is 0x10 or 0x11 when real-time
// protection is on, 0x00 or 0x01 when it is off (0x20 and up: snoozed or
// expired), whatever the state of its signatures (the low byte).
func antivirusOn(state int64) bool {
	return (state>>12)&0xF == 1
}
