import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(2.W)).asUInt

  io.in.ready  := !state(0)
  io.out.valid := state(1)
  io.out.bits  := x

  when(state(0)) {
    when(io.in.valid) {
      x := io.in.a
      y := io.in.b
      state := 1.U
    }
  }.elsewhen(state(1)) {
    when(y == 0.U) {
      state := 3.U
    }.elsewhen(x < y) {
      val tmp = x
      x := y
      y := tmp
    }.else {
      x := x - y
    }
  }.elsewhen(state(2)) {
    io.out.ready := true
    state := 0.U
  }
}
