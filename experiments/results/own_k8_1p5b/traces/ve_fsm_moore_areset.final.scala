import chisel3._
import chisel3.util._

class TopModule extends RawModule {
  val clk = IO(Input(Clock()))
  val areset = IO(Input(Bool()))
  val in = IO(Input(Bool()))
  val out = IO(Output(Bool()))

  val state = RegInit(0.U(2.W))
  val flag = RegInit(false.B)

  withClockAndReset(clk, areset) {
    switch(state) {
      is(0.U) {
        when(in) { state := 1.U; flag := true.B }
      }
      is(1.U) {
        when(!in) { state := 0.U; flag := false.B }
      }
    }
    out := flag
  }
}
