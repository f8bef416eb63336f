import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in            = Input(UInt(100.W))
    val out_both      = Output(UInt(100.W))
    val out_any       = Output(UInt(100.W))
    val out_different = Output(UInt(100.W))
  })
  val odd = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val even = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val out_both = RegInit(0.U(100.W))
  val out_any = RegInit(0.U(100.W))
  val out_different = RegInit(0.U(100.W))

  // out_both
  for (i <- 0 until 100) {
    val left = if (i == 0) 0 else io.in(i - 1)
    val right = io.in(i)
    out_both(i) = left ^ right
  }

  // out_any
  for (i <- 0 until 100) {
    val left = if (i == 0) 0 else io.in(i - 1)
    val right = io.in(i)
    out_any(i) = left | right
  }

  // out_different
  for (i <- 0 until 100) {
    val left = if (i == 0) 0 else io.in(i - 1)
    val right = io.in(i)
    out_different(i) = left != right
  }
  io.out_both := out_both
  io.out_any := out_any
  io.out_different := out_different
}
