import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val q = Output(UInt(5.W))
  })

  val lfsr = RegInit(0.U(5.W))
  val taps = Seq(5.U, 3.U)
  val feedback = taps.map(tap => lfsr(tap))

  when(io.reset) {
    lfsr := 0.U(5.W)
  } .otherwise {
    lfsr := Cat(lfsr(4), lfsr(3), lfsr(2), lfsr(1), lfsr(0), feedback.head)
  }

  io.q := lfsr
}
