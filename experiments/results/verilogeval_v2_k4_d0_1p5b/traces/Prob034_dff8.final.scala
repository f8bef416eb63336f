import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val d   = Input(UInt(8.W))
    val q   = Output(UInt(8.W))
  })
  val dffs = VecInit(8, RegInit(0.U(8.W)))
  for (i <- 0 until 8) {
    when(dffs(i) === 0.U && d === 1.U) { dffs(i) := 1.U }
    when(dffs(i) === 1.U && d === 0.U) { dffs(i) := 0.U }
  }
  io.q := dffs(7)
}
