import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val byteena = IO(Input(UInt(2.W)))
    val d       = IO(Input(UInt(16.W)))
    val q       = IO(Output(UInt(16.W)))
  })
  val byteena = RegInit(0.U(2.W))
  val d = RegInit(VecInit(16.U))
  val q = RegInit(VecInit(16.U))
  withClockAndReset(io.clk, reset) {
    val dffs = Array.fill(16)(RegInit(0.U))
    for (i <- 0 until 16) {
      when(byteena(i)) {
        dffs(i) := d(i)
      } .otherwise {
        dffs(i) := dffs(i) ^ d(i)
      }
    }
    q := dffs
  }
}
