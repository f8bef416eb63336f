import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })
  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(2.W))

  when(state === 0.U) {
    io.in.ready := true
    when(io.in.fire) {
      x := io.in.bits.a
      y := io.in.bits.b
      state := 1.U
    }
  }.elsewhen(state === 1.U) {
    when(y === 0.U) {
      io.out.valid := true
      io.out.bits := x
      state := 2.U
    }.elsewhen(x < y) {
      val temp = x
      x := y
      y := temp
    }.elsewhen(x > y) {
      x := x - y
    }
  }.elsewhen(state === 2.U) {
    io.out.ready := true
    when(io.out.fire) {
      state := 0.U
    }
  }
}
