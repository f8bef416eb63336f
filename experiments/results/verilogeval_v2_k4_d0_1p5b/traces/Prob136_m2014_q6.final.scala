import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val w    = Input(UInt(4.W))
    val z    = Output(UInt(4.W))
  })
  val state = RegInit(0.U(4.W))
  val count = RegInit(0.U(4.W))
  when(io.w > count) { count := io.w }
  when(io.reset) { state := 0.U }
  when(io.clk && !io.reset) {
    state := state + 1.U
    count := 0.U
  }
  io.z := state
}
