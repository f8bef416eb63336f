import chisel3._
import chisel3.util._

// Strict form: the active-low asynchronous reset inverted and made async by hand.
class TopModule extends RawModule {
  val clk     = IO(Input(Clock()))
  val aresetn = IO(Input(Bool()))
  val x       = IO(Input(Bool()))
  val z       = IO(Output(Bool()))
  object State extends ChiselEnum { val S, S1, S10 = Value }
  import State._
  withClockAndReset(clk, (!aresetn).asAsyncReset) {
    val state = RegInit(S)
    switch(state) {
      is(S)   { state := Mux(x, S1, S) }
      is(S1)  { state := Mux(x, S1, S10) }
      is(S10) { state := Mux(x, S1, S) }
    }
    z := state === S10 && x
  }
}
