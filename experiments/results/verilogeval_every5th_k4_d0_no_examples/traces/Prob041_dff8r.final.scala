import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val d = Input(UInt(8.W))
    val q = Output(UInt(8.W))
  })
  val dffs = VecInit(8, RegInit(0.U(8.W)))
  when(reset.asBool) { dffs := VecInit(8, 0.U(8.W)) }
  when(io.clk) {
    for (i <- 0 until 8) {
      dffs(i) := dffs(i) ^ d(i)
    }
  }
  io.q := dffs(0)
}
