import chisel3._
import chisel3.util._

// A Mealy "101" detector with an active-low asynchronous reset (`aresetn`): RequireAsyncReset, and the
// harness drives the implicit reset with ~aresetn.
class TopModule extends Module with RequireAsyncReset {
  val io = IO(new Bundle {
    val x = Input(Bool())
    val z = Output(Bool())
  })
  object State extends ChiselEnum { val S, S1, S10 = Value }
  import State._
  val state = RegInit(S)
  switch(state) {
    is(S)   { state := Mux(io.x, S1, S) }
    is(S1)  { state := Mux(io.x, S1, S10) }
    is(S10) { state := Mux(io.x, S1, S) }
  }
  io.z := state === S10 && io.x
}
